using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tracker.Cloud.Lambda.Runtime;

/// <summary>
/// Standard output as the functions see it (<see cref="Console.Out"/>): every line becomes one JSON object
/// with <c>timestamp</c>, <c>level</c> and <c>requestId</c> first. A line that is itself a JSON object (the
/// handlers' summaries) has its fields carried over as they are, so the summary stays an object that
/// CloudWatch Logs Insights can query field by field, never a string with escaped quotes inside; any
/// other line becomes <c>message</c>. Lambda captures a custom runtime's standard output as is and does
/// not encode a JSON line twice (Lambda developer guide, "Configuring JSON and plain text log formats").
/// </summary>
public sealed class JsonLogWriter : TextWriter
{
    /// <summary>The level of the handlers' own lines.</summary>
    public const string Info = "INFO";

    /// <summary>The level of failures the runtime reports.</summary>
    public const string Error = "ERROR";

    private static readonly string[] Reserved = ["timestamp", "level", "requestId"];

    private readonly TextWriter _inner;
    private readonly TimeProvider _clock;
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();
    private volatile string? _requestId;

    /// <summary>Creates the writer.</summary>
    /// <param name="inner">The process's real standard output.</param>
    /// <param name="clock">Stamps each line.</param>
    public JsonLogWriter(TextWriter inner, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(clock);
        _inner = inner;
        _clock = clock;
    }

    /// <summary>The invocation being handled (null between invocations); every line carries it.</summary>
    public string? RequestId
    {
        get => _requestId;
        set => _requestId = value;
    }

    /// <inheritdoc />
    public override Encoding Encoding => Encoding.UTF8;

    /// <inheritdoc />
    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                EmitPending();
            }
            else if (value != '\r')
            {
                _pending.Append(value);
            }
        }
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        lock (_gate)
        {
            int start = 0;
            int newline;
            while ((newline = value.IndexOf('\n', start)) >= 0)
            {
                _pending.Append(value.AsSpan(start, newline - start).TrimEnd('\r'));
                EmitPending();
                start = newline + 1;
            }

            _pending.Append(value.AsSpan(start));
        }
    }

    /// <inheritdoc />
    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            _pending.Append(value);
            EmitPending();
        }
    }

    /// <inheritdoc />
    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void Flush()
    {
        lock (_gate)
        {
            if (_pending.Length > 0)
            {
                EmitPending();
            }

            _inner.Flush();
        }
    }

    /// <summary>Writes one line of the runtime's own, at <paramref name="level"/>.</summary>
    /// <param name="level"><see cref="Info"/> or <see cref="Error"/>.</param>
    /// <param name="fields">The line's fields after the three common ones (string values).</param>
    public void Log(string level, params (string Name, string? Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        lock (_gate)
        {
            Emit(level, writer =>
            {
                foreach ((string name, string? value) in fields)
                {
                    if (value is not null)
                    {
                        writer.WriteString(name, value);
                    }
                }
            });
        }
    }

    private void EmitPending()
    {
        string line = _pending.ToString();
        _pending.Clear();
        if (line.Length == 0)
        {
            return;
        }

        JsonDocument? document = TryParseObject(line);
        using (document)
        {
            Emit(Info, writer =>
            {
                if (document is null)
                {
                    writer.WriteString("message", line);
                    return;
                }

                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    if (!Reserved.Contains(property.Name, StringComparer.Ordinal))
                    {
                        property.WriteTo(writer);
                    }
                }
            });
        }
    }

    private void Emit(string level, Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("level", level);
            if (_requestId is { } id)
            {
                writer.WriteString("requestId", id);
            }

            fields(writer);
            writer.WriteEndObject();
        }

        _inner.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
        _inner.Flush();
    }

    private static JsonDocument? TryParseObject(string line)
    {
        string trimmed = line.Trim();
        if (trimmed.Length < 2 || trimmed[0] != '{')
        {
            return null;
        }

        try
        {
            JsonDocument document = JsonDocument.Parse(trimmed);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
