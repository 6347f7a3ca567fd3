// LD_PRELOAD helper for bench/startup-order.py. Registers the main executable's read-only mappings for asynchronous
// userfaultfd write-protection (Linux >= 6.7), which turns the kernel's fault-around off for them: afterwards
// /proc/PID/pagemap shows exactly the 4 KB pages the process touched, not the 64 KB around each one.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

__attribute__((constructor)) static void touched_pages_init(void)
{
    unsetenv("LD_PRELOAD");
    int fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) { perror("touched-pages: userfaultfd"); return; }
    struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED };
    if (ioctl(fd, UFFDIO_API, &api) < 0) { perror("touched-pages: UFFDIO_API"); return; }
    char exe[4096]; ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1); if (n < 0) return; exe[n] = 0;
    FILE *maps = fopen("/proc/self/maps", "r"); char line[8192]; int count = 0;
    while (fgets(line, sizeof line, maps)) {
        unsigned long lo, hi; char perms[8]; char path[4096] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &lo, &hi, perms, path) < 3) continue;
        if (strcmp(path, exe) != 0 || perms[1] == 'w') continue;
        struct uffdio_register reg = { .range = { .start = lo, .len = hi - lo }, .mode = UFFDIO_REGISTER_MODE_WP };
        if (ioctl(fd, UFFDIO_REGISTER, &reg) < 0) { perror("touched-pages: UFFDIO_REGISTER"); } else count++;
    }
    fclose(maps);
    fprintf(stderr, "touched-pages: %d mappings registered (fd %d)\n", count, fd);
}
