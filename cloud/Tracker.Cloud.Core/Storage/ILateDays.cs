using System.Globalization;

namespace Tracker.Cloud.Core.Storage;

/// <summary>
/// Days that received fixes after they were over (late data: a car back from a dead zone, a backlog), kept by the fix
/// store as it stores them, so that the nightly archive exports those days again. A mark is made in the same write as the
/// fixes (SQLite) or right after it, also for fixes found already stored (DynamoDB: a message retried after a crash between
/// the two marks again), so a late fix is never stored without its day marked.
/// </summary>
public interface ILateDays
{
    /// <summary>The marked days, oldest first, each with the mark as read (what <see cref="ClearLateDayAsync"/> compares).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The days.</returns>
    /// <exception cref="InvalidDataException">A stored mark is not one this store wrote.</exception>
    Task<IReadOnlyList<LateDay>> ListLateDaysAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Clears a day's mark, unless the day was marked again since <paramref name="day"/> was listed: call it only after
    /// the day's export is written, so a crash in between exports it again, and a fix stored meanwhile is exported next time.
    /// </summary>
    /// <param name="day">A day as <see cref="ListLateDaysAsync"/> gave it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>False when (part of) the mark stays, because the day got late fixes again.</returns>
    Task<bool> ClearLateDayAsync(LateDay day, CancellationToken cancellationToken);
}

/// <summary>A marked day.</summary>
/// <param name="Day">The UTC day.</param>
/// <param name="Mark">The mark as read, opaque (the store's counters).</param>
public sealed record LateDay(DateOnly Day, string Mark)
{
    /// <summary>The UTC day a fix time falls on.</summary>
    /// <param name="ts">UTC epoch ms.</param>
    /// <returns>The day.</returns>
    public static DateOnly Of(long ts) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ts, -62_135_596_800_000, 253_402_300_799_999)).UtcDateTime);

    /// <summary>The day as yyyy-MM-dd.</summary>
    /// <returns>The text.</returns>
    public string Text() => Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
