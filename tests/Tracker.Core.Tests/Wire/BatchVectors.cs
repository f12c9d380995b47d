using Tracker.Core.Fixes;

namespace Tracker.Core.Tests.Wire;

/// <summary>
/// The published test vectors of format version 1: the same fixes and bytes as
/// firmware/Tracker.Core/Wire/README.md, section "Test vectors".
/// </summary>
internal static class BatchVectors
{
    private static readonly Dictionary<string, (Fix[] Fixes, string Hex)> All = new()
    {
        ["empty"] = ([], "01be23c25800"),
        ["single"] = ([Route(0)], "0172f24ce501d055d086008d34f3cc93ead94454d1f5ab61560e14a08d502840"),
        ["route10"] = (Enumerable.Range(0, 10).Select(Route).ToArray(), "01b12baceb0ae82ae84300027a3b88c2fe8e45692ed3d0894253dad467d5b288a916884a54933186a3fd796c9083743eb564bc5d2aee784bc91eee0099039bb4ea5abe0a5f023525c9ec48efcc9bd405013149528b00"),
        ["edges"] = (Edges(), "01c4a1674b050aa2f3f96347161210e003778000000062f3f95afa60fd693a400540000000d693a3fd00000006b49d1fec105693a3fe24a800000006b49d1ff3704510df8510d80000fffffffb00001fffffffc6e00701f663007d98a80001fffffff8ec91193e067119342327aac888c83fffff9c700000ffffff9abd0134435fe000000fffffe001f7f0c0"),
    };

    /// <summary>Names of the vectors, in README order.</summary>
    public static string[] Names => ["empty", "single", "route10", "edges"];

    /// <summary>A copy of the vector's fixes.</summary>
    public static Fix[] Fixes(string name) => (Fix[])All[name].Fixes.Clone();

    /// <summary>The vector's message as lower-case hex.</summary>
    public static string Hex(string name) => All[name].Hex;

    /// <summary>
    /// The first ten epochs of firmware/Tracker.BenchTool/samples/demo-drive.nmea (the project's own
    /// generated 1 Hz drive in Reno, all 3D autonomous fixes) as the firmware's NMEA reader turns
    /// them into fixes, written out so that the vectors stand alone.
    /// <c>BatchVectorTests.Sample_FirstTenEpochs_AreTheRouteVectorFixes</c> checks them against the sample.
    /// </summary>
    private static Fix Route(int i) => i switch
    {
        0 => WireTestSupport.Make(1793606400000, 395296417, -1198136462, 137390, 12000, 9000, 117, 8),
        1 => WireTestSupport.Make(1793606401000, 395296185, -1198135382, 137350, 12200, 9000, 113, 11),
        2 => WireTestSupport.Make(1793606402000, 395296215, -1198133805, 137340, 12399, 9000, 93, 8),
        3 => WireTestSupport.Make(1793606403000, 395296165, -1198132165, 137190, 12596, 9000, 96, 10),
        4 => WireTestSupport.Make(1793606404000, 395296297, -1198130292, 137400, 12791, 9000, 114, 10),
        5 => WireTestSupport.Make(1793606405000, 395296300, -1198129127, 137330, 12981, 9000, 99, 10),
        6 => WireTestSupport.Make(1793606406000, 395296423, -1198127540, 137280, 13168, 9000, 91, 10),
        7 => WireTestSupport.Make(1793606407000, 395296175, -1198126337, 137340, 13350, 9000, 116, 11),
        8 => WireTestSupport.Make(1793606408000, 395296083, -1198124463, 137150, 13525, 9000, 102, 11),
        _ => WireTestSupport.Make(1793606409000, 395296260, -1198123467, 137210, 13694, 9000, 107, 8),
    };

    /// <summary>
    /// Five fixes that touch the edges: the newest first then older ones, non-whole and repeated
    /// seconds; both poles; longitude across the antimeridian and at both +180 and -180; altitude
    /// below sea level; course across north; every optional field unknown somewhere; mode and
    /// quality changing.
    /// </summary>
    private static Fix[] Edges() =>
    [
        WireTestSupport.Make(1700000009500, 900000000, 1799999999, -41500, 0, 35999, Fix.Unknown, 7, mode: 2, quality: 2),
        WireTestSupport.Make(1700000000250, 899999999, -1800000000, Fix.Unknown, Fix.Unknown, 1, 99, 0, mode: 3, quality: 6),
        WireTestSupport.Make(1700000000250, -900000000, 1800000000, -1, 514444, Fix.Unknown, Fix.Unknown, 255, mode: 3, quality: 8),
        WireTestSupport.Make(1700000001001, -1, -1799999999, -2147483647, 1, 18000, 2147483647, Fix.Unknown, mode: 2, quality: 1),
        WireTestSupport.Make(-1, 0, 0, 2147483647, 2147483647, 0, 0, 2147483647, mode: 3, quality: 1),
    ];
}
