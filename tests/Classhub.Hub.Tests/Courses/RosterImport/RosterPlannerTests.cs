using Classhub.Core.Courses;
using Classhub.Hub.Courses.Roster;
using Classhub.Hub.Courses.RosterImport;
using Classhub.Hub.Tests.Courses.Roster;

namespace Classhub.Hub.Tests.Courses.RosterImport;

public sealed class RosterPlannerTests
{
    private static RosterEntry Entry(int line, string user, string? section = null, RosterStatus status = RosterStatus.Active, RosterRole role = RosterRole.Student) =>
        new(line, user, user.ToUpperInvariant(), $"{user}@uni.example", role, section, status);

    private static CourseMember Member(string user, string? section = null, MemberStatus status = MemberStatus.Active, CourseRole role = CourseRole.Student) =>
        new("cs101", user, role, user.ToUpperInvariant(), $"{user}@uni.example", section, status);

    private static RosterParseResult Parsed(IReadOnlyList<RosterEntry> entries, IReadOnlyList<RosterError>? errors = null) =>
        new(RosterFormat.Generic, entries, [], errors ?? []);

    private static RosterPlan Plan(RosterParseResult parsed, IReadOnlyList<CourseMember> current, bool dropMissing = false, bool skipInvalid = false) =>
        RosterPlanner.Plan("cs101", parsed, current, new RosterImportOptions(dropMissing, skipInvalid));

    [Fact]
    public void Plan_EmptyCourse_EveryoneAdded()
    {
        var plan = Plan(Parsed([Entry(2, "bob"), Entry(3, "alice")]), []);

        Assert.Equal(["alice", "bob"], plan.Added);
        Assert.Empty(plan.Updated);
        Assert.True(plan.CanApply);
        Assert.Equal(2, plan.Members.Count);
    }

    [Fact]
    public void Plan_SameFileAgain_AllUnchangedNothingWritten()
    {
        var plan = Plan(Parsed([Entry(2, "alice", "A"), Entry(3, "bob")]), [Member("alice", "A"), Member("bob")]);

        Assert.Equal(["alice", "bob"], plan.Unchanged);
        Assert.Empty(plan.Members);
        Assert.False(plan.HasChanges);
    }

    [Fact]
    public void Plan_ChangedSectionNameOrEmail_Updated()
    {
        var renamed = Entry(3, "bob") with { Name = "Robert" };
        var plan = Plan(Parsed([Entry(2, "alice", "B"), renamed, Entry(4, "carol") with { Email = null }]), [Member("alice", "A"), Member("bob"), Member("carol")]);

        Assert.Equal(["alice", "bob", "carol"], plan.Updated);
        Assert.Equal("B", plan.Members.Single(m => m.UserName == "alice").Section);
    }

    [Fact]
    public void Plan_MemberAbsentWithoutDropMissing_MissingNotDropped()
    {
        var plan = Plan(Parsed([Entry(2, "alice")]), [Member("alice"), Member("bob")]);

        Assert.Equal(["bob"], plan.Missing);
        Assert.Empty(plan.Dropped);
    }

    [Fact]
    public void Plan_MemberAbsentWithDropMissing_Dropped()
    {
        var plan = Plan(Parsed([Entry(2, "alice")]), [Member("alice"), Member("bob"), Member("old", status: MemberStatus.Dropped)], dropMissing: true);

        Assert.Equal(["bob"], plan.Dropped);
        Assert.Empty(plan.Missing);
    }

    [Fact]
    public void Plan_StaffAbsentWithDropMissing_NeverDropped()
    {
        var plan = Plan(Parsed([Entry(2, "alice")]), [Member("alice"), Member("prof", role: CourseRole.Instructor)], dropMissing: true);

        Assert.Empty(plan.Dropped);
        Assert.Empty(plan.Missing);
    }

    [Fact]
    public void Plan_StaffListedAsStudent_KeepsStaffRole()
    {
        var plan = Plan(Parsed([Entry(2, "tina")]), [Member("tina", role: CourseRole.Ta)]);

        Assert.Equal(["tina"], plan.Unchanged);
    }

    [Fact]
    public void Plan_DroppedMemberBackInFile_ReactivatedAsUpdate()
    {
        var plan = Plan(Parsed([Entry(2, "bob")]), [Member("bob", status: MemberStatus.Dropped)]);

        Assert.Equal(["bob"], plan.Updated);
        Assert.Equal(MemberStatus.Active, Assert.Single(plan.Members).Status);
    }

    [Fact]
    public void Plan_RowMarkedDroppedForActiveMember_Dropped()
    {
        var plan = Plan(Parsed([Entry(2, "bob", status: RosterStatus.Dropped)]), [Member("bob")]);

        Assert.Equal(["bob"], plan.Dropped);
        Assert.Empty(plan.Updated);
    }

    [Fact]
    public void Plan_RowMarkedDroppedForStranger_SkippedWithWarning()
    {
        var plan = Plan(Parsed([Entry(5, "ghost", status: RosterStatus.Dropped)]), []);

        Assert.Empty(plan.Added);
        Assert.Equal(5, Assert.Single(plan.Warnings).Line);
    }

    [Fact]
    public void Plan_RowErrors_CannotApply()
    {
        var plan = Plan(Parsed([Entry(2, "alice")], [new RosterError(3, "username", "bad")]), []);

        Assert.False(plan.CanApply);
        Assert.Equal(["alice"], plan.Added);
    }

    [Fact]
    public void Plan_RowErrorsWithSkipInvalid_AppliesValidRowsButDropsNobody()
    {
        var plan = Plan(Parsed([Entry(2, "alice")], [new RosterError(3, "username", "bad")]), [Member("bob")], dropMissing: true, skipInvalid: true);

        Assert.True(plan.CanApply);
        Assert.Equal(["alice"], plan.Added);
        Assert.Equal(["bob"], plan.Missing);
        Assert.Empty(plan.Dropped);
        Assert.Contains(plan.Warnings, w => w.Message.Contains("not dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_FileLevelErrorWithSkipInvalid_CannotApply()
    {
        var plan = Plan(Parsed([], [new RosterError(0, null, "the file is empty")]), [Member("bob")], dropMissing: true, skipInvalid: true);

        Assert.False(plan.CanApply);
        Assert.Empty(plan.Dropped);
    }

    [Fact]
    public void Plan_RealCanvasExport_AddsItsStudents()
    {
        var parsed = RosterSamples.ParseSample("canvas-gradebook.csv");

        var plan = Plan(parsed, []);

        Assert.Equal(["an.nguyen", "lobrien", "sgarcia", "zwojcik"], plan.Added);
        Assert.Equal(RosterFormat.CanvasGradebook, plan.Format);
    }
}
