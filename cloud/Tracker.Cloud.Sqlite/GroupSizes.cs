namespace Tracker.Cloud.Sqlite;

/// <summary>
/// How many messages each committed group held (<see cref="GroupCommit"/>), counted since the store opened: the number of
/// groups, the messages in them, the largest, and a histogram with power-of-two bounds. A group is as large as what waits
/// while the one before commits, so it shows how many writers ingest lets at the store at once. Read from any thread;
/// counted by the store's one writer at a time.
/// </summary>
public sealed class GroupSizes
{
    /// <summary>The histogram's upper bounds (inclusive), up to <see cref="GroupCommit.MaxGroup"/>.</summary>
    public static IReadOnlyList<int> Bounds { get; } = [1, 2, 4, 8, 16, 32, 64, 128, GroupCommit.MaxGroup];

    private readonly long[] _buckets = new long[Bounds.Count];
    private long _groups;
    private long _messages;
    private long _largest;

    /// <summary>Groups committed.</summary>
    public long Groups => Interlocked.Read(ref _groups);

    /// <summary>Messages (fix appends and feed acknowledgements) in the committed groups.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>The most messages one group held.</summary>
    public long Largest => Interlocked.Read(ref _largest);

    /// <summary>Groups of at most <see cref="Bounds"/>[i] messages (cumulative, as a Prometheus histogram's buckets).</summary>
    /// <param name="i">The bound's index.</param>
    /// <returns>The count.</returns>
    public long AtMost(int i)
    {
        long sum = 0;
        for (int b = 0; b <= i; b++)
        {
            sum += Interlocked.Read(ref _buckets[b]);
        }

        return sum;
    }

    /// <summary>Counts one committed group.</summary>
    /// <param name="messages">Its size, 1 to <see cref="GroupCommit.MaxGroup"/> (a larger one counts in the last bucket).</param>
    public void Add(int messages)
    {
        Interlocked.Increment(ref _groups);
        Interlocked.Add(ref _messages, messages);
        int i = 0;
        while (i < Bounds.Count - 1 && messages > Bounds[i])
        {
            i++;
        }

        Interlocked.Increment(ref _buckets[i]);
        if (messages > Interlocked.Read(ref _largest))
        {
            Interlocked.Exchange(ref _largest, messages); // one group commits at a time (GroupCommit), so no other Add races this
        }
    }
}
