using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Tracker.Core.Control;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// The manifest at the head of an application image (Control/README.md §2, "The image"): what the writer packs
/// reads back in order; the reader refuses every truncation, garbage, mutations that break its rules, counts out
/// of range, duplicate names, lengths that overrun or fall short of the file, and bytes left over, and never throws.
/// </summary>
public class ImageManifestTests
{
    private static readonly byte[] Core = RandomNumberGenerator.GetBytes(3000);
    private static readonly byte[] App = RandomNumberGenerator.GetBytes(1200);

    private static byte[] Packed() =>
        ImageManifest.Write("1.4.0", "Tracker.Device.Program", "Start", ["Tracker.Core", "Tracker.Device"], [Core, App]);

    private static (bool Ok, ImageManifest? Manifest, string Problem) Read(byte[] image) =>
        (ImageManifest.TryRead(image, image.Length, image.Length, out ImageManifest? m, out string problem), m, problem);

    [Fact]
    public void APackedImage_ReadsBack_WithEachAssemblyInLoadOrder_ItsLengthAndSha256()
    {
        byte[] image = Packed();
        (bool ok, ImageManifest? m, string problem) = Read(image);

        Assert.True(ok, problem);
        Assert.Equal(("1.4.0", "Tracker.Device.Program", "Start", 2), (m!.Version, m.EntryType, m.EntryMethod, m.Count));
        Assert.Equal(("Tracker.Core", "Tracker.Device"), (m.NameAt(0), m.NameAt(1)));
        Assert.Equal(Core, image.AsSpan(m.OffsetAt(0), m.LengthAt(0)).ToArray());
        Assert.Equal(App, image.AsSpan(m.OffsetAt(1), m.LengthAt(1)).ToArray());
        Assert.Equal(SHA256.HashData(App), m.Sha256At(1));
        Assert.True(m.Matches(0, SHA256.HashData(Core)));
        Assert.False(m.Matches(0, SHA256.HashData(App)));
        Assert.Equal(image.Length, m.ImageBytes);
        Assert.Equal(m.OffsetAt(0), m.PayloadOffset);
        Assert.Equal(m.PayloadOffset, ImageManifest.HeadLength(image, ImageManifest.HeaderBytes));
    }

    [Fact]
    public void EveryTruncation_IsRefused_AndSoIsAnImageLongerThanItsManifestSays()
    {
        byte[] image = Packed();
        for (int cut = 0; cut < image.Length; cut++)
        {
            byte[] part = image[..cut];
            Assert.False(ImageManifest.TryRead(part, part.Length, part.Length, out ImageManifest? m, out string problem), "cut at " + cut);
            Assert.Null(m);
            Assert.NotEqual(string.Empty, problem);
        }

        byte[] longer = [.. image, 0];
        Assert.Contains("accounts for", Read(longer).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbageAndMutatedHeads_NeverThrow_AndWhatIsAcceptedIsWholeAndConsistent()
    {
        byte[] good = Packed();
        int head = ImageManifest.HeadLength(good, good.Length);
        var random = new Random(18);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bytes;
            if (i % 4 == 0)
            {
                bytes = new byte[random.Next(0, 400)];
                random.NextBytes(bytes);
                if (i % 8 == 0 && bytes.Length >= 8)
                {
                    "TRKIMG1\n"u8.CopyTo(bytes); // past the magic, into the manifest's own checks
                }
            }
            else
            {
                bytes = (byte[])good.Clone();
                for (int e = random.Next(1, 4); e > 0; e--)
                {
                    bytes[random.Next(head)] = (byte)random.Next(256);
                }
            }

            if (ImageManifest.TryRead(bytes, bytes.Length, bytes.Length, out ImageManifest? m, out _))
            {
                accepted++;
                Assert.Equal(bytes.Length, m!.ImageBytes);
                Assert.InRange(m.Count, 1, ImageManifest.MaxAssemblies);
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (int a = 0; a < m.Count; a++)
                {
                    Assert.True(names.Add(m.NameAt(a)));
                    Assert.InRange(m.OffsetAt(a) + m.LengthAt(a), 1, bytes.Length);
                }
            }
        }

        Assert.True(accepted > 0 && accepted < 20_000, "accepted " + accepted); // mutated digests still read: the loader checks them
    }

    [Theory]
    [InlineData(0, "count")]
    [InlineData(17, "count")]
    public void AnAssemblyCountOutOfRange_IsRefused(int count, string named)
    {
        byte[] image = Raw("1.4.0", count, [("A", Core)]);
        Assert.Contains(named, Read(image).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateNames_EvenByCase_AreRefused_ByTheReaderAndTheWriter()
    {
        Assert.Contains("named twice", Read(Raw("1.4.0", 2, [("Tracker.Core", Core), ("tracker.core", App)])).Problem, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ImageManifest.Write("1.4.0", "A.B", "Start", ["X", "x"], [Core, App]));
    }

    [Fact]
    public void LengthsThatOverrunOrFallShortOfTheFile_AreRefused()
    {
        byte[] image = Raw("1.4.0", 1, [("A", Core)]);
        (bool ok, _, string problem) = Read(image);
        Assert.True(ok, problem);

        byte[] overrun = Raw("1.4.0", 1, [("A", Core)], lengthDelta: 1);
        Assert.Contains("accounts for", Read(overrun).Problem, StringComparison.Ordinal);
        byte[] huge = Raw("1.4.0", 1, [("A", Core)], lengthOverride: uint.MaxValue);
        Assert.Contains("length", Read(huge).Problem, StringComparison.Ordinal);
        byte[] zero = Raw("1.4.0", 1, [("A", Core)], lengthOverride: 0);
        Assert.Contains("length", Read(zero).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void BytesLeftInTheManifest_AfterItsLastAssembly_AreRefused()
    {
        byte[] image = Raw("1.4.0", 1, [("A", Core)], manifestPadding: 3);
        Assert.Contains("after its last assembly", Read(image).Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.4.0 beta", "Tracker.Device.Program", "Start", "A")]
    [InlineData("1.4.0", "Tracker..Program", "Start", "A")]
    [InlineData("1.4.0", "Tracker.Device.Program", "9Start", "A")]
    [InlineData("1.4.0", "Tracker.Device.Program", "Start", "A/B")]
    [InlineData("1.4.0", "Tracker.Device.Program", "Start", ".A")]
    [InlineData("", "Tracker.Device.Program", "Start", "A")]
    public void TheWriter_RefusesWhatTheReaderWouldRefuse(string version, string type, string method, string name)
    {
        Assert.Throws<ArgumentException>(() => ImageManifest.Write(version, type, method, [name], [Core]));
    }

    [Fact]
    public void TheWriter_RefusesEmptyOrTooManyAssemblies_AndAnImageOverTheLimit()
    {
        Assert.Throws<ArgumentException>(() => ImageManifest.Write("1", "A.B", "C", [], []));
        Assert.Throws<ArgumentException>(() => ImageManifest.Write("1", "A.B", "C", ["A"], [[]]));
        string[] names = [.. Enumerable.Range(0, ImageManifest.MaxAssemblies + 1).Select(i => "A" + i)];
        Assert.Throws<ArgumentException>(() => ImageManifest.Write("1", "A.B", "C", names, [.. names.Select(_ => Core)]));
        Assert.Throws<ArgumentException>(() => ImageManifest.Write("1", "A.B", "C", ["A"], [new byte[UpdateJob.MaxImageBytes]]));
    }

    /// <summary>An image laid out by hand (so the reader can be shown what the writer would never write).</summary>
    private static byte[] Raw(string version, int count, (string Name, byte[] Bytes)[] assemblies, int lengthDelta = 0, uint? lengthOverride = null, int manifestPadding = 0)
    {
        var m = new List<byte>();
        void Text(string s)
        {
            m.Add((byte)s.Length);
            m.AddRange(Encoding.ASCII.GetBytes(s));
        }

        Text(version);
        Text("Tracker.Device.Program");
        Text("Start");
        m.Add((byte)count);
        foreach ((string name, byte[] bytes) in assemblies)
        {
            Text(name);
            byte[] length = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, lengthOverride ?? (uint)(bytes.Length + lengthDelta));
            m.AddRange(length);
            m.AddRange(SHA256.HashData(bytes));
        }

        m.AddRange(new byte[manifestPadding]);
        var image = new List<byte>("TRKIMG1\n"u8.ToArray()) { (byte)m.Count, (byte)(m.Count >> 8) };
        image.AddRange(m);
        foreach ((_, byte[] bytes) in assemblies)
        {
            image.AddRange(bytes);
        }

        return [.. image];
    }
}
