namespace Classhub.Core.Assignments;

/// <summary>Delivery work waiting to be done: release <see cref="Release"/> of an assignment, to one student.</summary>
public sealed record DeliveryTask(string CourseId, string Name, int Release, long UserId, string UserName);

/// <summary>
/// How the delivery of one release stands, from the database (so it survives restarts): of <see cref="Total"/>
/// students, how many have it, are still waiting, failed (with why), or moved on to a later release first.
/// </summary>
public sealed record ReleaseDelivery(int Release, int Total, int Delivered, int Waiting, int MovedOn, IReadOnlyList<DeliveryFailure> Failures)
{
    public int Failed => Failures.Count;

    public bool Finished => Waiting == 0;
}

/// <summary>A student a release could not be delivered to, and the reason (retried later).</summary>
public sealed record DeliveryFailure(string UserName, string Error);
