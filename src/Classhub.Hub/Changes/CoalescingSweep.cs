namespace Classhub.Hub.Changes;

/// <summary>
/// Runs a sweep in the background when triggered, one at a time: triggers that arrive while a sweep runs cause exactly
/// one more sweep afterwards, so a burst of database changes costs at most two sweeps. Expected failures (the ones
/// <paramref name="expected"/> accepts) are reported and end the current run; the next trigger tries again.
/// </summary>
internal sealed class CoalescingSweep(Func<Task> sweep, Func<Exception, bool> expected, Action<Exception> report)
{
    private int _running;
    private int _again;

    public void Trigger()
    {
        Interlocked.Exchange(ref _again, 1);
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                while (Interlocked.Exchange(ref _again, 0) == 1)
                {
                    await sweep();
                }
            }
            catch (Exception e) when (expected(e))
            {
                report(e);
            }
            finally
            {
                Interlocked.Exchange(ref _running, 0);
            }
        });
    }
}
