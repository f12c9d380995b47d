using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tracker.Cloud.Lambda.Events;

/// <summary>Writes an invocation's response: the other half of <see cref="EventReader"/>, one place for every handler.</summary>
public static class ResponseWriter
{
    /// <summary>Serializes <paramref name="response"/> to a stream positioned at its start, as the runtime reads it.</summary>
    /// <typeparam name="T">The response type.</typeparam>
    /// <param name="response">The response.</param>
    /// <param name="typeInfo">Its source-generated contract.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The response JSON.</returns>
    public static async Task<Stream> ToStreamAsync<T>(T response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        MemoryStream output = new();
        await JsonSerializer.SerializeAsync(output, response, typeInfo, cancellationToken).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }
}
