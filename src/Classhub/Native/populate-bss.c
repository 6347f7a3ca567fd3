/*
 * Start-up: fill the executable's zero-initialised data in one system call instead of one page fault per page.
 *
 * Native AOT keeps its runtime data compressed in the file ("dehydrated") and unpacks it at every start into ~6 MB
 * of .bss, before Main. Touching those ~1,500 fresh pages one by one took ~10 ms of the hub's ~95 ms cold start,
 * most of it spent entering and leaving the kernel on each fault (bench/cold-start.py, see bench/README.md).
 * MADV_POPULATE_WRITE (Linux 5.14) maps them all at once. The pages are written at start anyway, so the resident
 * size does not change; on an older kernel the call fails with EINVAL and start-up takes the slower path.
 *
 * Runs as a constructor: after the dynamic loader, before the runtime's main.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static int populate_executable_bss(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_W) || segment->p_memsz <= segment->p_filesz)
        {
            continue;
        }

        /* The zero-filled tail of the writable segment, from the first page boundary after the file's bytes. */
        uintptr_t start = (info->dlpi_addr + segment->p_vaddr + segment->p_filesz + page - 1) & ~(page - 1);
        uintptr_t end = (info->dlpi_addr + segment->p_vaddr + segment->p_memsz + page - 1) & ~(page - 1);
        if (end > start)
        {
            madvise((void *)start, end - start, MADV_POPULATE_WRITE);
        }
    }

    return 1; /* the executable is listed first; stop there */
}

__attribute__((constructor)) static void populate_bss_at_start(void)
{
    dl_iterate_phdr(populate_executable_bss, NULL);
}
