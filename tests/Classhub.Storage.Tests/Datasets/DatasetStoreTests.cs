using Classhub.Core.Courses;
using Classhub.Storage.Courses;
using Classhub.Storage.Datasets;
using Classhub.Storage.Tests.Courses;

namespace Classhub.Storage.Tests.Datasets;

public sealed class DatasetStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly CourseStore _courses;
    private readonly RosterStore _rosters;
    private readonly DatasetStore _datasets;

    public DatasetStoreTests()
    {
        _courses = new CourseStore(_db.Database, TimeProvider.System);
        _rosters = new RosterStore(_db.Database, TimeProvider.System);
        _datasets = new DatasetStore(_db.Database, TimeProvider.System);
        Assert.True(_courses.Create("cs101", "Intro", null));
        Assert.True(_courses.Create("stat200", "Stats", null));
        Enrol("cs101", "alice", "both");
        Enrol("stat200", "both", "carol");
    }

    public void Dispose() => _db.Dispose();

    private void Enrol(string course, params string[] names) =>
        _rosters.Apply(course, _ => (0, new RosterWrite(names.Select(n => new CourseMember(course, n, CourseRole.Student, null, null, null, MemberStatus.Active)).ToList(), [])));

    [Fact]
    public void Add_NewName_ListedForItsCourseOnly()
    {
        Assert.Null(_datasets.Add("cs101", "iris", "/srv/data/iris"));

        Assert.Equal(["iris"], _datasets.ForCourse("cs101").Select(d => d.Name));
        Assert.Empty(_datasets.ForCourse("stat200"));
        Assert.Equal("/srv/data/iris", _datasets.List().Single().Path);
    }

    [Fact]
    public void Add_NameTakenByAnotherCourse_ReturnsThatCourseAndKeepsTheFirst()
    {
        Assert.Null(_datasets.Add("cs101", "iris", "/srv/a"));

        Assert.Equal("cs101", _datasets.Add("stat200", "iris", "/srv/b"));
        Assert.Equal("/srv/a", _datasets.List().Single().Path);
    }

    [Fact]
    public void VisibleTo_StudentInTwoCourses_SeesBoth_OthersOnlyTheirs()
    {
        _datasets.Add("cs101", "iris", "/srv/iris");
        _datasets.Add("stat200", "census", "/srv/census");

        Assert.Equal(["census", "iris"], _datasets.VisibleTo("both").Select(d => d.Name));
        Assert.Equal(["iris"], _datasets.VisibleTo("alice").Select(d => d.Name));
        Assert.Equal(["census"], _datasets.VisibleTo("carol").Select(d => d.Name));
        Assert.Empty(_datasets.VisibleTo("nobody"));
    }

    [Fact]
    public void VisibleTo_DroppedStudent_SeesNothingOfThatCourse()
    {
        _datasets.Add("cs101", "iris", "/srv/iris");
        _datasets.Add("stat200", "census", "/srv/census");

        _rosters.Apply("cs101", _ => (0, new RosterWrite([], ["both"])));

        Assert.Equal(["census"], _datasets.VisibleTo("both").Select(d => d.Name));
        Assert.Equal(["stat200"], _datasets.ActiveCoursesOf("both"));
    }

    [Fact]
    public void VisibleToEveryone_SameAnswerAsVisibleToPerUser_DroppedAndDatasetlessUsersAbsent()
    {
        _datasets.Add("cs101", "iris", "/srv/iris");
        _datasets.Add("stat200", "census", "/srv/census");
        _rosters.Apply("cs101", _ => (0, new RosterWrite([], ["alice"])));

        var everyone = _datasets.VisibleToEveryone();

        Assert.Equal(["both", "carol"], everyone.Keys.Order());
        foreach (var (user, datasets) in everyone)
        {
            Assert.Equal(_datasets.VisibleTo(user), datasets);
        }

        Assert.Equal([new("census", "/srv/census"), new("iris", "/srv/iris")], everyone["both"]);
    }

    [Fact]
    public void Remove_ExistingAndMissing_TrueThenFalse()
    {
        _datasets.Add("cs101", "iris", "/srv/iris");

        Assert.False(_datasets.Remove("stat200", "iris"));
        Assert.True(_datasets.Remove("cs101", "iris"));
        Assert.False(_datasets.Remove("cs101", "iris"));
        Assert.Empty(_datasets.VisibleTo("alice"));
    }

    [Fact]
    public void KernelsFor_EveryoneAndOwnCourseOnly()
    {
        _datasets.SaveKernel("ds", "/opt/ds/bin/python", "Data Science", null);
        _datasets.SaveKernel("stats", "/opt/stats/bin/python", "Stats", "stat200");

        Assert.Equal(["ds"], _datasets.KernelsFor("alice").Select(k => k.Name));
        Assert.Equal(["ds", "stats"], _datasets.KernelsFor("carol").Select(k => k.Name));

        _datasets.SaveKernel("ds", "/opt/ds2/bin/python", "DS 2", null);
        Assert.Equal("DS 2", _datasets.FindKernel("ds")!.DisplayName);
        Assert.True(_datasets.RemoveKernel("ds"));
        Assert.Null(_datasets.FindKernel("ds"));
    }

    [Fact]
    public void Students_OnlyStudentRole()
    {
        var users = new Users.UserStore(_db.Database, TimeProvider.System);
        var staff = users.Add("prof", false)!;
        _courses.SetStaff("cs101", staff.Id, CourseRole.Instructor);

        Assert.Equal(["alice", "both", "carol"], _datasets.Students());
    }
}
