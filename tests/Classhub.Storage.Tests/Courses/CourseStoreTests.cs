using Classhub.Core.Courses;
using Classhub.Storage.Courses;
using Classhub.Storage.Users;

namespace Classhub.Storage.Tests.Courses;

public sealed class CourseStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly CourseStore _courses;
    private readonly UserStore _users;

    public CourseStoreTests()
    {
        _courses = new CourseStore(_db.Database, TimeProvider.System);
        _users = new UserStore(_db.Database, TimeProvider.System);
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Create_NewId_FoundAndListed()
    {
        Assert.True(_courses.Create("data-101", "Data", "2025-fall"));

        var course = _courses.Find("data-101")!;
        Assert.Equal(("data-101", "Data", "2025-fall"), (course.Id, course.Title, course.Term));
        Assert.Equal(["data-101"], _courses.List().Select(c => c.Id));
    }

    [Fact]
    public void Create_TakenId_ReturnsFalse()
    {
        Assert.True(_courses.Create("cs101", "A", null));

        Assert.False(_courses.Create("cs101", "B", null));
        Assert.Equal("A", _courses.Find("cs101")!.Title);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("CS101")]
    [InlineData(".hidden")]
    [InlineData("-x")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Create_InvalidId_Throws(string id) =>
        Assert.Throws<ArgumentException>(() => _courses.Create(id, "T", null));

    [Fact]
    public void SetStaff_NewUser_ActiveStaffMemberAndMembership()
    {
        _courses.Create("cs101", "Intro", null);
        var ta = _users.Add("tina", false)!;

        Assert.True(_courses.SetStaff("cs101", ta.Id, CourseRole.Ta));

        var member = _courses.Member("cs101", ta.Id)!;
        Assert.True(member.IsStaff);
        Assert.Equal(CourseRole.Ta, Assert.Single(_courses.MembershipsOf(ta.Id)).Role);
    }

    [Fact]
    public void SetStaff_UnknownCourse_ReturnsFalse()
    {
        var ta = _users.Add("tina", false)!;

        Assert.False(_courses.SetStaff("nope", ta.Id, CourseRole.Instructor));
    }
}
