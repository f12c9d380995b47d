using System.Globalization;
using System.Text.RegularExpressions;
using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Archive;

/// <summary>Which UTC day an archive event asks for: its <c>day</c> override, or the day before its <c>time</c>.</summary>
public static partial class ArchiveDaySelection
{
    /// <summary>The detail type EventBridge gives the events of a schedule rule.</summary>
    public const string ScheduledEventDetailType = "Scheduled Event";

    /// <summary>The day to export.</summary>
    /// <param name="archiveEvent">The event.</param>
    /// <exception cref="InvalidEventException">The event has neither field, a malformed one, or comes from a rule that is not a schedule.</exception>
    public static DateOnly Resolve(ScheduledArchiveEvent archiveEvent)
    {
        ArgumentNullException.ThrowIfNull(archiveEvent);
        if (archiveEvent.Day is { } day)
        {
            if (!DayPattern().IsMatch(day)
                || !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly parsed))
            {
                throw new InvalidEventException($"archive event: 'day' must be a calendar date yyyy-MM-dd (e.g. 2025-06-10), not '{Shorten(day)}'");
            }

            return parsed;
        }

        if (archiveEvent.DetailType is { } detailType && detailType != ScheduledEventDetailType)
        {
            throw new InvalidEventException($"archive event: detail-type is '{Shorten(detailType)}', not '{ScheduledEventDetailType}': the function is wired to a rule that is not a schedule");
        }

        if (archiveEvent.Time is not { } time)
        {
            throw new InvalidEventException("archive event: neither 'time' (an EventBridge scheduled event) nor 'day' (a backfill, {\"day\": \"yyyy-MM-dd\"}) is present");
        }

        // RFC 3339 with an explicit offset, as EventBridge writes it ("2025-06-11T00:15:00Z"); a time
        // without an offset is ambiguous and refused.
        if (!TimePattern().IsMatch(time)
            || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset fired))
        {
            throw new InvalidEventException($"archive event: 'time' must be an RFC 3339 time with an offset (e.g. 2025-06-11T00:15:00Z), not '{Shorten(time)}'");
        }

        return DateOnly.FromDateTime(fired.UtcDateTime).AddDays(-1);
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex DayPattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex TimePattern();
}
