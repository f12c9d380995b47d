using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;

namespace Tracker.Cloud.Derive.Tests.Support;

/// <summary>
/// A <see cref="Rig"/> whose fixes reach the Derive stage through a change feed (<see cref="FeedDerive"/>), as in the
/// local host: a delivery stores its fixes and leaves a feed entry; its statuses are derived at once together with the
/// car's pending fixes; <see cref="Step"/> is a feed worker's step over everything gathered since the last one.
/// </summary>
internal sealed class FeedRig : IFixFeed
{
    private readonly List<(long Seq, long From, long To)> _entries = [];
    private long _seq;

    public FeedRig(Rig rig)
    {
        Rig = rig;
        Feed = new FeedDerive(this, rig.Service);
    }

    public Rig Rig { get; }

    public FeedDerive Feed { get; }

    public IReadOnlyList<FleetEvent> Events => Rig.Events;

    /// <summary>Feed steps that derived something.</summary>
    public int Steps { get; private set; }

    /// <summary>Stores a message as ingest would (fixes into the store and the feed; statuses derived at once).</summary>
    public void Deliver(IEnumerable<Observation> batch)
    {
        Observation[] all = batch.ToArray();
        IReadOnlyList<Observation> fresh = Rig.Store.Store(all.Where(o => o.Fix is not null));
        if (fresh.Count > 0)
        {
            _entries.Add((++_seq, fresh.Min(o => o.Ts), fresh.Max(o => o.Ts)));
        }

        Observation[] statuses = all.Where(o => o.Status is not null).ToArray();
        if (statuses.Length > 0)
        {
            Rig.Store.Store(statuses);
            Count(Feed.StepAsync(Drive.Car, statuses, CancellationToken.None).GetAwaiter().GetResult());
        }
    }

    /// <summary>A feed worker's step for the car.</summary>
    public void Step() => Count(Feed.StepAsync(Drive.Car, [], CancellationToken.None).GetAwaiter().GetResult());

    public DeriveStep Tick(long nowMs) => Rig.Tick(nowMs);

    public Task<IReadOnlyList<string>> PendingCarsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(_entries.Count == 0 ? [] : [Drive.Car]);

    public Task<FeedSpan?> PeekAsync(string carId, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.Count == 0 ? null : new FeedSpan(carId, _entries.Max(e => e.Seq), _entries.Min(e => e.From), _entries.Max(e => e.To), _entries.Count));

    public Task AcknowledgeAsync(string carId, long throughSeq, CancellationToken cancellationToken)
    {
        _entries.RemoveAll(e => e.Seq <= throughSeq);
        return Task.CompletedTask;
    }

    private void Count(DeriveStep? step)
    {
        if (step is not null)
        {
            Steps++;
        }
    }
}
