using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Storage;

namespace Tracker.Provisioning.Inventory;

/// <summary>
/// The inventory of identities the fleet CA issued (<see cref="CaFiles.Ledger"/>, JSON, in the CA
/// folder): one entry per certificate, never deleted, plus the number of the last CRL. Immutable:
/// each change returns a new ledger, which the caller saves after every other check passed.
/// </summary>
public sealed class Ledger
{
    /// <summary>The format version written in the file.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private Ledger(string path, ImmutableArray<LedgerEntry> entries, long crlNumber)
    {
        Path = path;
        Entries = entries;
        CrlNumber = crlNumber;
    }

    /// <summary>The ledger file's path.</summary>
    public string Path { get; }

    /// <summary>Every identity, in issue order.</summary>
    public ImmutableArray<LedgerEntry> Entries { get; }

    /// <summary>The number of the last CRL written (RFC 5280 §5.2.3: monotonically increasing); 0 before the first.</summary>
    public long CrlNumber { get; }

    /// <summary>An empty ledger for a CA folder.</summary>
    /// <param name="caDirectory">The CA folder.</param>
    /// <returns>The ledger (not saved).</returns>
    public static Ledger Empty(string caDirectory) => new(CaFiles.PathOf(Path_(caDirectory), CaFiles.Ledger), [], 0);

    /// <summary>Reads the ledger of a CA folder; an absent file is an empty ledger.</summary>
    /// <param name="caDirectory">The CA folder.</param>
    /// <returns>The ledger.</returns>
    /// <exception cref="ProvisioningException">The file cannot be read or parsed (<see cref="ProvisioningFailure.BadLedger"/>).</exception>
    public static Ledger Load(string caDirectory)
    {
        string path = CaFiles.PathOf(Path_(caDirectory), CaFiles.Ledger);
        if (!File.Exists(path))
        {
            return new Ledger(path, [], 0);
        }

        try
        {
            LedgerFile? file = JsonSerializer.Deserialize<LedgerFile>(File.ReadAllBytes(path), Json);
            if (file is null || file.Version != FormatVersion || file.Entries is null || file.CrlNumber < 0)
            {
                throw new ProvisioningException(ProvisioningFailure.BadLedger, path + " is not a version " + FormatVersion + " ledger");
            }

            return new Ledger(path, [.. file.Entries], file.CrlNumber);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new ProvisioningException(ProvisioningFailure.BadLedger, "cannot read the ledger " + path + ": " + e.Message, e);
        }
    }

    /// <summary>The car's active identity, or null.</summary>
    /// <param name="carId">The car id (exact, case-sensitive like thing names).</param>
    /// <returns>The entry, or null.</returns>
    public LedgerEntry? FindActive(string carId) =>
        Entries.FirstOrDefault(e => e.CarId == carId && e.Status == IdentityStatus.Active);

    /// <summary>The entry with a certificate serial (hex, any case), or null.</summary>
    /// <param name="serial">The serial.</param>
    /// <returns>The entry, or null.</returns>
    public LedgerEntry? FindSerial(string serial) =>
        Entries.FirstOrDefault(e => string.Equals(e.Serial, serial, StringComparison.OrdinalIgnoreCase));

    /// <summary>This ledger with one more entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The new ledger.</returns>
    public Ledger Add(LedgerEntry entry) => new(Path, Entries.Add(entry), CrlNumber);

    /// <summary>This ledger with the entry of <paramref name="serial"/> moved to <paramref name="status"/>.</summary>
    /// <param name="serial">The certificate serial.</param>
    /// <param name="status">The new status.</param>
    /// <param name="when">When it changed.</param>
    /// <returns>The new ledger.</returns>
    public Ledger WithStatus(string serial, IdentityStatus status, DateTimeOffset when)
    {
        LedgerEntry old = FindSerial(serial) ?? throw new ProvisioningException(ProvisioningFailure.UnknownCar, "no identity with serial " + serial + " in the ledger");
        return new Ledger(Path, Entries.Replace(old, old with { Status = status, StatusChangedUtc = when }), CrlNumber);
    }

    /// <summary>This ledger with the CRL number advanced by one (for the CRL about to be written).</summary>
    /// <returns>The new ledger.</returns>
    public Ledger WithNextCrlNumber() => new(Path, Entries, CrlNumber + 1);

    /// <summary>The ledger as the file's bytes (indented JSON, UTF-8).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToJsonBytes() =>
        JsonSerializer.SerializeToUtf8Bytes(new LedgerFile { Version = FormatVersion, CrlNumber = CrlNumber, Entries = [.. Entries] }, Json);

    /// <summary>The entries as JSON (for <c>device list --json</c>).</summary>
    /// <returns>A JSON array.</returns>
    public string EntriesToJson() => JsonSerializer.Serialize(Entries.ToArray(), Json);

    /// <summary>Writes the ledger to <see cref="Path"/> atomically.</summary>
    public void Save() => AtomicFile.Write(Path, ToJsonBytes());

    private static string Path_(string directory) => System.IO.Path.GetFullPath(directory);

    private sealed class LedgerFile
    {
        public int Version { get; set; }

        public long CrlNumber { get; set; }

        public List<LedgerEntry>? Entries { get; set; }
    }
}
