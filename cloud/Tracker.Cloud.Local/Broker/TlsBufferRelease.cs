using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// Lets OpenSSL free a car connection's TLS record buffers while it is idle (cloud/Tracker.Cloud.Local/README.md,
/// "Memory a car"). On Linux SslStream is OpenSSL, which keeps a read buffer and a write buffer of about 17 KiB each
/// for every connection as long as it is open, unless the connection has <c>SSL_MODE_RELEASE_BUFFERS</c>: then they
/// are taken when a record is read or written and given back once it is done. A car sends a batch every few seconds
/// and receives a PUBACK, so its connection is idle almost all the time. Without the mode OpenSSL held 52.6 KiB for
/// each connected car (the README's measurement), about 34 KiB of it those two buffers. .NET has no option for
/// the mode, so this reaches the connection's <c>SSL*</c> through SslStream's private fields and sets the mode with
/// OpenSSL's own <c>SSL_ctrl</c>, right after the handshake and before anything reads or writes the stream.
/// Where that is not possible (another OS, an OpenSSL other than 3.x, a runtime whose fields differ) it does nothing:
/// the connection works exactly as before and costs what it did, and <see cref="Supported"/> says so.
/// </summary>
public static class TlsBufferRelease
{
    private const int SslCtrlMode = 33; // SSL_CTRL_MODE (openssl/ssl.h)
    private const long SslModeReleaseBuffers = 0x10; // SSL_MODE_RELEASE_BUFFERS

    private static readonly Lazy<Native?> Resolved = new(Resolve);

    private delegate nint SslCtrl(nint ssl, int command, nint larg, nint parg);

    /// <summary>Whether this process can set the mode (Linux, OpenSSL 3, a runtime whose SslStream it knows).</summary>
    public static bool Supported => Resolved.Value is not null;

    /// <summary>
    /// Connection middleware for a TLS listener, after <c>UseHttps</c>: sets the mode on the connection's TLS
    /// session, then runs the rest of the pipeline.
    /// </summary>
    /// <param name="next">The rest of the connection pipeline (MQTT).</param>
    /// <returns>The pipeline.</returns>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => connection =>
    {
        if (connection.Features.Get<ISslStreamFeature>()?.SslStream is { } stream)
        {
            TryRelease(stream);
        }

        return next(connection);
    };

    /// <summary>
    /// Sets <c>SSL_MODE_RELEASE_BUFFERS</c> on an authenticated stream's OpenSSL session. Call it before the stream is
    /// read or written (OpenSSL's modes are not meant to change under a running read).
    /// </summary>
    /// <param name="stream">The stream, its handshake done.</param>
    /// <returns>True when the mode is set; false when this process cannot set it (<see cref="Supported"/>).</returns>
    public static bool TryRelease(SslStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (Resolved.Value is not { } native || native.SecurityContext.GetValue(stream) is not { } context)
        {
            return false;
        }

        // Since .NET 8 the session object is itself OpenSSL's SSL* (a SafeSslHandle, deriving from SafeDeleteSslContext);
        // before, a SafeDeleteSslContext held one in a field.
        object? handle = context.GetType().Name == "SafeSslHandle" ? context : native.SslHandleOf(context.GetType())?.GetValue(context);
        if (handle is not SafeHandle ssl || ssl.GetType().Name != "SafeSslHandle" || ssl.IsInvalid || ssl.IsClosed)
        {
            return false;
        }

        bool added = false;
        try
        {
            ssl.DangerousAddRef(ref added);
            long mode = native.Ctrl(ssl.DangerousGetHandle(), SslCtrlMode, (nint)SslModeReleaseBuffers, 0);
            return (mode & SslModeReleaseBuffers) != 0;
        }
        catch (ObjectDisposedException)
        {
            return false; // the connection closed under us: nothing to release
        }
        finally
        {
            if (added)
            {
                ssl.DangerousRelease();
            }
        }
    }

    private static Native? Resolve()
    {
        // SslStream is OpenSSL only on Linux (and FreeBSD); OpenSSL 3.x is libssl.so.3 whatever its minor version.
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        long version = SafeEvpPKeyHandle.OpenSslVersion;
        if (version < 0x3000_0000L || version >= 0x4000_0000L
            || !NativeLibrary.TryLoad("libssl.so.3", out nint library)
            || !NativeLibrary.TryGetExport(library, "SSL_ctrl", out nint ctrl))
        {
            return null;
        }

        FieldInfo? securityContext = typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);
        if (securityContext is null)
        {
            return null;
        }

        return new Native(securityContext, Marshal.GetDelegateForFunctionPointer<SslCtrl>(ctrl));
    }

    /// <summary>What was found once: SslStream's session field and OpenSSL's <c>SSL_ctrl</c>.</summary>
    private sealed class Native(FieldInfo securityContext, SslCtrl ctrl)
    {
        private Tuple<Type, FieldInfo?>? _sslHandle; // replaced whole, so a reader never sees a type with another's field

        public FieldInfo SecurityContext { get; } = securityContext;

        public SslCtrl Ctrl { get; } = ctrl;

        /// <summary>The field of the session object (SafeDeleteSslContext) that holds the <c>SSL*</c> (a SafeSslHandle).</summary>
        public FieldInfo? SslHandleOf(Type contextType)
        {
            if (_sslHandle is { } known && known.Item1 == contextType)
            {
                return known.Item2;
            }

            FieldInfo? found = null;
            for (Type? t = contextType; t is not null && found is null; t = t.BaseType)
            {
                found = t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly)
                    .FirstOrDefault(f => f.FieldType.Name == "SafeSslHandle");
            }

            _sslHandle = Tuple.Create(contextType, found);
            return found;
        }
    }
}
