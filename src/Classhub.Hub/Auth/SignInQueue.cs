namespace Classhub.Hub.Auth;

/// <summary>
/// Who may run a password check (a KDF) now. A check takes one of a few slots (as many as there are
/// <see cref="KdfThreads"/>); everyone else waits in a bounded queue, first come first served within a client address,
/// the addresses taking turns, so one address sending a flood gets its share and no more.
/// <para>Contract: <see cref="EnterAsync"/> returns a slot (dispose it when the check is done: the next waiter gets
/// it), or null when the queue is full and this caller is turned away (answer 503 with <see cref="EstimatedWait"/>
/// as Retry-After). When the queue is full, the newest waiter of the address with the most waiters is turned away
/// instead when that is another address: a flood cannot push a class out. A caller whose token is cancelled
/// (the browser went away) leaves the queue at once and its check never runs. Thread-safe.</para>
/// </summary>
internal sealed class SignInQueue
{
    private readonly object _gate = new();
    private readonly int _slots;
    private readonly int _maxWaiting;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, LinkedList<Waiter>> _byAddress = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _turns = new();
    private int _free;
    private int _waiting;
    private double _meanHoldSeconds = 0.5;

    /// <param name="slots">Checks that may run at once (the number of KDF threads).</param>
    /// <param name="maxWaiting">Waiters beyond the running checks; more are turned away (503).</param>
    public SignInQueue(int slots, int maxWaiting, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWaiting, 0);
        _slots = slots;
        _free = slots;
        _maxWaiting = maxWaiting;
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Callers waiting for a slot now.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting;
            }
        }
    }

    /// <summary>Checks running now.</summary>
    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _slots - _free;
            }
        }
    }

    /// <summary>How long a newcomer would wait now: the waiters ahead of it times the mean time a slot is held, over the slots.</summary>
    public TimeSpan EstimatedWait
    {
        get
        {
            lock (_gate)
            {
                return TimeSpan.FromSeconds(Math.Clamp((_waiting + 1) * _meanHoldSeconds / _slots, 1, 300));
            }
        }
    }

    public Task<Slot?> EnterAsync(string address, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        Waiter? turnedAway = null;
        lock (_gate)
        {
            if (_free > 0 && _waiting == 0)
            {
                _free--;
                return Task.FromResult<Slot?>(new Slot(this, _time.GetTimestamp()));
            }

            if (_waiting >= _maxWaiting)
            {
                var longest = Longest();
                var mine = _byAddress.TryGetValue(address, out var own) ? own.Count : 0;
                if (longest is null || longest.Count <= mine + 1)
                {
                    return Task.FromResult<Slot?>(null);
                }

                turnedAway = longest.Last!.Value;
                Remove(turnedAway);
            }

            waiter = new Waiter(address, this);
            if (!_byAddress.TryGetValue(address, out var queue))
            {
                queue = new LinkedList<Waiter>();
                _byAddress[address] = queue;
                _turns.AddLast(address);
            }

            waiter.Node = queue.AddLast(waiter);
            _waiting++;
        }

        if (turnedAway is not null)
        {
            turnedAway.Registration.Unregister();
            turnedAway.Completion.TrySetResult(null);
        }

        // Registered after the waiter is queued: a slot may already have been handed to it (then Cancel finds it gone).
        waiter.Registration = cancellationToken.UnsafeRegister(static state => ((Waiter)state!).Owner.Cancel((Waiter)state!), waiter);
        return waiter.Completion.Task;
    }

    private void Cancel(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            Remove(waiter);
        }

        waiter.Completion.TrySetCanceled();
    }

    /// <summary>Gives the slot to the next waiter (addresses in turn), or frees it.</summary>
    private void Release(long enteredAt)
    {
        Waiter? next = null;
        lock (_gate)
        {
            var held = _time.GetElapsedTime(enteredAt).TotalSeconds;
            _meanHoldSeconds = (0.8 * _meanHoldSeconds) + (0.2 * held);
            if (_turns.First is { } turn)
            {
                var queue = _byAddress[turn.Value];
                next = queue.First!.Value;
                Remove(next);

                // The address goes to the back of the line (if it still has waiters).
                if (_byAddress.ContainsKey(turn.Value))
                {
                    _turns.Remove(turn);
                    _turns.AddLast(turn);
                }
            }
            else
            {
                _free++;
            }
        }

        if (next is not null)
        {
            next.Registration.Unregister();
            next.Completion.TrySetResult(new Slot(this, _time.GetTimestamp()));
        }
    }

    /// <summary>Takes the waiter out of its address's queue (and the address out of the turns when it has no one left). Under the lock.</summary>
    private void Remove(Waiter waiter)
    {
        var queue = waiter.Node!.List!;
        queue.Remove(waiter.Node);
        _waiting--;
        if (queue.Count == 0)
        {
            _byAddress.Remove(waiter.Address);
            _turns.Remove(waiter.Address);
        }
    }

    private LinkedList<Waiter>? Longest()
    {
        LinkedList<Waiter>? longest = null;
        foreach (var queue in _byAddress.Values)
        {
            if (longest is null || queue.Count > longest.Count)
            {
                longest = queue;
            }
        }

        return longest;
    }

    /// <summary>The right to run one password check; disposing it hands it on.</summary>
    internal sealed class Slot(SignInQueue owner, long enteredAt) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(enteredAt);
            }
        }
    }

    private sealed class Waiter(string address, SignInQueue owner)
    {
        public string Address { get; } = address;

        public SignInQueue Owner { get; } = owner;

        public TaskCompletionSource<Slot?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
