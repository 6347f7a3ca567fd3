using Classhub.Testing.Hostile;

namespace Classhub.Tests.Hostile;

/// <summary>
/// The hostile-student harness itself: the student really is unprivileged, and the swapper really wins a race
/// against a path-based root operation that has no defence (so a test that uses it and sees no redirection
/// means the code under test defended itself, not that the attack never ran).
/// </summary>
public sealed class HostileStudentHarnessTests
{
    [Fact]
    public async Task Student_RunsAsTheirOwnUnprivilegedAccount()
    {
        await using var student = await HostileStudent.CreateAsync();

        var id = await student.RunAsync("/usr/bin/id", "-u");
        var shadow = await student.RunAsync("/bin/cat", "/etc/shadow");

        Assert.Equal(student.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), id.Stdout.Trim());
        Assert.False(shadow.Succeeded, "the student read /etc/shadow");
        Assert.Equal("0700", Convert.ToString((int)File.GetUnixFileMode(student.Home) & 0x1FF, 8).PadLeft(4, '0'));
    }

    [Fact]
    public async Task Swapper_OnCreate_RedirectsANaivePathBasedRootWrite()
    {
        await using var student = await HostileStudent.CreateAsync();
        var victim = Path.Combine(Path.GetTempPath(), "harness-victim-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(victim);
        try
        {
            await using var swapper = await student.StartSwapperAsync(PathSwapper.Mode.OnCreate, student.Home, "drop", victim);

            // What the unsafe code did: mkdir by path, then write inside it by path, as root.
            var redirected = 0;
            for (var i = 0; i < 200 && redirected == 0; i++)
            {
                var drop = Path.Combine(student.Home, "drop");
                try
                {
                    Directory.CreateDirectory(drop);
                    File.WriteAllText(Path.Combine(drop, $"x{i}"), "root was here");
                }
                catch (IOException)
                {
                    // The swap moved things under our feet; try again.
                }

                redirected = Directory.GetFiles(victim).Length;
            }

            var swaps = await swapper.StopAsync();

            Assert.True(swaps > 0, "the swapper never swapped");
            Assert.True(redirected > 0, $"a path-based root write was never redirected in 200 tries ({swaps} swaps): the harness cannot show a race");
        }
        finally
        {
            Directory.Delete(victim, recursive: true);
        }
    }
}
