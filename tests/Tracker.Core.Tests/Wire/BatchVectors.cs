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
        ["single"] = ([Drive(0)], "01b483039f01d0066e70848d34825b238243e4ce8faed38ac3518fda850a0900"),
        ["drive10"] = (Enumerable.Range(0, 10).Select(Drive).ToArray(), "019f695f390ae803373842033e9a6904b609bd2d115619a9c121f2662478e221a5f8b32c7d7681196218846f3856180766be863f64d4632282454bfb41403f222a04f800"),
        ["edges"] = (Edges(), "01c4a1674b050aa2f3f96347161210e003778000000062f3f95afa60fd693a400540000000d693a3fd00000006b49d1fec105693a3fe24a800000006b49d1ff3704510df8510d80000fffffffb00001fffffffc6e00701f663007d98a80001fffffff8ec91193e067119342327aac888c83fffff9c700000ffffff9abd0134435fe000000fffffe001f7f0c0"),
    };

    /// <summary>Names of the vectors, in README order.</summary>
    public static string[] Names => ["empty", "single", "drive10", "edges"];

    /// <summary>A copy of the vector's fixes.</summary>
    public static Fix[] Fixes(string name) => (Fix[])All[name].Fixes.Clone();

    /// <summary>The vector's message as lower-case hex.</summary>
    public static string Hex(string name) => All[name].Hex;

    /// <summary>
    /// The first ten epochs of ../shared/data/drives/garmin-drive-2005.nmea as the firmware's NMEA
    /// reader turns them into fixes, written out so that the vectors need no shared data.
    /// </summary>
    private static Fix Drive(int i) => i switch
    {
        0 => WireTestSupport.Make(1127692354000, 394328367, -1197655900, 137860, 23201, 15310, 80, 10),
        1 => WireTestSupport.Make(1127692356000, 394324650, -1197653517, 137800, 22996, 15360, 80, 10),
        2 => WireTestSupport.Make(1127692358000, 394320950, -1197651133, 137750, 22944, 15350, 80, 10),
        3 => WireTestSupport.Make(1127692360000, 394317250, -1197648750, 137740, 22944, 15340, 80, 10),
        4 => WireTestSupport.Make(1127692362000, 394313583, -1197646367, 137760, 22841, 15350, 80, 10),
        5 => WireTestSupport.Make(1127692364000, 394309867, -1197644100, 137820, 22790, 15550, 80, 10),
        6 => WireTestSupport.Make(1127692366000, 394306100, -1197642033, 137900, 22738, 15730, 80, 10),
        7 => WireTestSupport.Make(1127692368000, 394302333, -1197639917, 138010, 22738, 15620, 90, 10),
        8 => WireTestSupport.Make(1127692370000, 394298667, -1197637617, 138100, 22738, 15380, 100, 10),
        _ => WireTestSupport.Make(1127692372000, 394295017, -1197635217, 138190, 22738, 15310, 110, 10),
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
