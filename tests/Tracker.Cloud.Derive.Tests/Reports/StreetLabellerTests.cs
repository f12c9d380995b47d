using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Derive.Reports.Places;
using Tracker.Simulation.Map;
using Tracker.Simulation.Routes;
using Tracker.Testing;

namespace Tracker.Cloud.Derive.Tests.Reports;

/// <summary>
/// Trip ends named by the town's streets: the same names as the web app's map (one corpus for both), the real
/// generated town's streets, coordinates far from any street, and no crash or invented place on any input.
/// </summary>
public sealed class StreetLabellerTests
{
    // The web app's test reads the same file (cloud/Tracker.Cloud.Web/test/streets.test.js).
    private static readonly string CorpusPath = Repository.PathOf("cloud", "Tracker.Cloud.Web", "test", "fixtures", "places-corpus.json");

    private static readonly Lazy<(StreetLabeller Labeller, HashSet<string> Names)> Corpus = new(() =>
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(CorpusPath));
        byte[] town = JsonSerializer.SerializeToUtf8Bytes(doc.RootElement.GetProperty("town"));
        HashSet<string> names = new(StringComparer.Ordinal) { "Elm Street", "14th Avenue", "Ring Highway" };
        return (StreetLabeller.FromGeoJson(town)!, names);
    });

    [Fact]
    public void EveryPositionOfTheSharedCorpus_IsNamedAsTheWebMapNamesIt()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(CorpusPath));
        StreetLabeller labeller = Corpus.Value.Labeller;
        Assert.Equal(3, labeller.Streets); // the malformed streets are left out, as the map leaves them out
        int cases = 0;
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            int lat = c.GetProperty("latE7").GetInt32(), lon = c.GetProperty("lonE7").GetInt32();
            string? expected = c.GetProperty("street").GetString();
            Assert.True(expected == labeller.Street(lat, lon), c.GetProperty("what").GetString() + ": expected " + (expected ?? "no street") + ", got " + (labeller.Street(lat, lon) ?? "no street"));
            Assert.Equal(expected ?? CoordinateLabeller.Format(lat, lon), labeller.Label(lat, lon));
            cases++;
        }

        Assert.True(cases >= 10, "the corpus holds its cases");
    }

    [Fact]
    public void APositionFarFromEveryStreet_IsLabelledWithItsCoordinates()
    {
        Assert.Equal("40.00000, -100.00000", Corpus.Value.Labeller.Label(400_000_000, -1_000_000_000));
        Assert.Equal("-0.00001, 0.00000", CoordinateLabeller.Instance.Label(-100, 0));
    }

    [Fact]
    public void TheGeneratedTownsStreets_AreNamed_InTheMiddleOfEachLongBlock()
    {
        RoadNetwork town = RoadNetwork.Generate(RouteOptions.Default with { Seed = 7 });
        byte[] map = TownMap.ToGeoJson(town);
        StreetLabeller labeller = StreetLabeller.FromGeoJson(map)!;
        using JsonDocument doc = JsonDocument.Parse(map);
        int streets = 0, checkedBlocks = 0;
        foreach (JsonElement f in doc.RootElement.GetProperty("features").EnumerateArray())
        {
            if (f.GetProperty("properties").GetProperty("kind").GetString() != "street")
            {
                continue;
            }

            streets++;
            string name = f.GetProperty("properties").GetProperty("name").GetString()!;
            foreach (JsonElement block in f.GetProperty("geometry").GetProperty("coordinates").EnumerateArray())
            {
                // A block's middle point, if the block is long (then no crossing is within 25 m of it).
                JsonElement[] points = [.. block.EnumerateArray()];
                if (points.Length != 2)
                {
                    continue;
                }

                double lon = (points[0][0].GetDouble() + points[1][0].GetDouble()) / 2, lat = (points[0][1].GetDouble() + points[1][1].GetDouble()) / 2;
                double lengthM = Math.Sqrt(Math.Pow((points[1][0].GetDouble() - points[0][0].GetDouble()) * 111_320 * Math.Cos(lat * Math.PI / 180), 2) + Math.Pow((points[1][1].GetDouble() - points[0][1].GetDouble()) * 110_540, 2));
                if (lengthM < 200)
                {
                    continue;
                }

                string label = labeller.Label((int)Math.Round(lat * 1e7), (int)Math.Round(lon * 1e7));
                Assert.True(label == name || label.StartsWith(name + " at ", StringComparison.Ordinal) || label.EndsWith(" at " + name, StringComparison.Ordinal), name + "'s block middle was labelled " + label);
                checkedBlocks++;
            }
        }

        Assert.Equal(streets, labeller.Streets);
        Assert.True(checkedBlocks > 50, "checked " + checkedBlocks + " blocks");
    }

    [Property(MaxTest = 2000)]
    public Property AnyPosition_IsAStreetOfTheTownOrItsCoordinates_NeverAnInventedPlace()
    {
        Gen<int> coordinate = Gen.OneOf(
            ArbMap.Default.GeneratorFor<int>(),
            Gen.Elements(int.MinValue, int.MaxValue, 0, -900_000_001, 900_000_001, 1_800_000_001, -1_800_000_001),
            Gen.Choose(394_800_000, 395_200_000),
            Gen.Choose(-1_198_300_000, -1_197_800_000));
        return Prop.ForAll(Gen.Two(coordinate).ToArbitrary(), pair =>
        {
            (int lat, int lon) = pair;
            string label = Corpus.Value.Labeller.Label(lat, lon);
            HashSet<string> names = Corpus.Value.Names;
            bool street = names.Contains(label) || (label.Split(" at ") is [string a, string b] && names.Contains(a) && names.Contains(b));
            return street || label == CoordinateLabeller.Format(lat, lon);
        });
    }

    [Fact]
    public void GarbageTruncatedOrMutatedGeoJson_NeverThrows_AndNamesOnlyStreetsItHolds()
    {
        byte[] good = JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(File.ReadAllBytes(CorpusPath)).RootElement.GetProperty("town"));
        var random = new Random(17);
        List<byte[]> inputs = [[], Encoding.UTF8.GetBytes("null"), Encoding.UTF8.GetBytes("[]"), Encoding.UTF8.GetBytes("{\"features\": 3}"), [0xFF, 0xFE, 0x00]];
        for (int length = 0; length < good.Length; length += 7)
        {
            inputs.Add(good[..length]);
        }

        for (int i = 0; i < 300; i++)
        {
            byte[] mutated = (byte[])good.Clone();
            for (int k = 0; k < 1 + random.Next(8); k++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            inputs.Add(mutated);
            byte[] noise = new byte[random.Next(200)];
            random.NextBytes(noise);
            inputs.Add(noise);
        }

        foreach (byte[] input in inputs)
        {
            StreetLabeller? labeller = StreetLabeller.FromGeoJson(input);
            if (labeller is not null)
            {
                // Whatever it kept, it names a position with text from the file or the coordinates, and never throws.
                string label = labeller.Label(394_950_000, -1_198_000_000);
                Assert.False(string.IsNullOrEmpty(label));
                Assert.Equal(labeller.Label(0, 0), CoordinateLabeller.Format(0, 0));
            }
        }
    }
}
