using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tracker.Cloud.Lambda.Events;

/// <summary>Reads an invocation's event from the input stream, turning every parse failure into an <see cref="InvalidEventException"/>.</summary>
public static class EventReader
{
    /// <summary>
    /// The largest event read: Lambda's synchronous invocation payload limit is 6 MB (Lambda developer
    /// guide, "Lambda quotas"); anything longer is not an event Lambda could have delivered.
    /// </summary>
    public const int MaxEventBytes = 6 * 1024 * 1024;

    /// <summary>Reads and deserializes one event.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="input">The invocation's input stream.</param>
    /// <param name="typeInfo">The source-generated contract (<see cref="LambdaJsonContext"/>).</param>
    /// <param name="eventName">The event's name for messages ("IoT rule event").</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The event; never null.</returns>
    /// <exception cref="InvalidEventException">The input is empty, too large, not JSON, or not a JSON object of the expected shape.</exception>
    public static async Task<T> ReadAsync<T>(Stream input, JsonTypeInfo<T> typeInfo, string eventName, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(typeInfo);
        byte[] bytes = await ReadAllAsync(input, eventName, cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            throw new InvalidEventException(eventName + ": the event is empty");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidEventException(eventName + ": the event is a JSON " + document.RootElement.ValueKind.ToString().ToLowerInvariant() + ", not an object");
            }

            return document.RootElement.Deserialize(typeInfo)
                ?? throw new InvalidEventException(eventName + ": the event is null");
        }
        catch (JsonException e)
        {
            string where = e.Path is { Length: > 1 } path ? " at " + path : string.Empty;
            string line = e.LineNumber is long l ? " (line " + (l + 1) + ")" : string.Empty;
            throw new InvalidEventException(eventName + ": not valid JSON of the expected shape" + where + line + ": " + FirstSentence(e.Message), e);
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream input, string eventName, CancellationToken cancellationToken)
    {
        using MemoryStream buffer = new();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await input.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxEventBytes)
            {
                throw new InvalidEventException(eventName + ": the event is larger than " + MaxEventBytes + " bytes (the Lambda invocation payload limit)");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }
}
