using Classhub.Core.Courses;
using Classhub.Storage.Courses;
using Classhub.Storage.Users;

namespace Classhub.Storage.Tests.Courses;

public sealed class CourseSpawnerStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly CourseStore _courses;
    private readonly CourseSpawnerStore _spawners;
    private readonly UserStore _users;

    public CourseSpawnerStoreTests()
    {
        _courses = new CourseStore(_db.Database, TimeProvider.System);
        _spawners = new CourseSpawnerStore(_db.Database);
        _users = new UserStore(_db.Database, TimeProvider.System);
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void ForUser_MemberOfSlurmCourse_GetsItsSettings()
    {
        var alice = _users.Add("alice", false)!;
        _courses.Create("intro", "Intro", null);
        _courses.Create("hpc", "HPC", null);
        _courses.SetStaff("intro", alice.Id, CourseRole.Ta);
        _courses.SetStaff("hpc", alice.Id, CourseRole.Ta);

        Assert.True(_spawners.Set(new CourseSpawnerRow { CourseId = "hpc", Spawner = "slurm", Partition = "gpu", Gpus = 2 }));

        var row = _spawners.ForUser("alice")!;
        Assert.Equal(("hpc", "slurm", "gpu", 2L, (long?)null), (row.CourseId, row.Spawner, row.Partition, row.Gpus, row.Cpus));
        Assert.Equal(["slurm"], _spawners.KindsInUse());
    }

    [Fact]
    public void ForUser_NoCourseChoseASpawner_Null()
    {
        var bob = _users.Add("bob", false)!;
        _courses.Create("intro", "Intro", null);
        _courses.SetStaff("intro", bob.Id, CourseRole.Instructor);

        Assert.Null(_spawners.ForUser("bob"));
        Assert.Empty(_spawners.KindsInUse());
    }

    [Fact]
    public void Set_UnknownCourse_False()
    {
        Assert.False(_spawners.Set(new CourseSpawnerRow { CourseId = "nope", Spawner = "slurm" }));
    }
}
