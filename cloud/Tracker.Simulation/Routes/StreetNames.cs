using System.Globalization;

namespace Tracker.Simulation.Routes;

/// <summary>
/// The names of the generated town's streets, from their place in the grid alone (no random draw, so naming changes
/// nothing else about a town): north-south streets are named (trees for residential streets, a separate list for
/// arterials), east-west ones are numbered avenues counted from the south (arterials among them named), the ring
/// is "Ring Highway", and each interchange's ramps are "Exit N". Like a North American grid town, a name tells a
/// reader which way a street runs and roughly where it lies.
/// </summary>
internal static class StreetNames
{
    private static readonly string[] Residential =
    [
        "Alder", "Aspen", "Balsam", "Birch", "Buckeye", "Cedar", "Chestnut", "Cypress", "Dogwood", "Elder", "Elm", "Fir",
        "Ginkgo", "Hawthorn", "Hazel", "Hemlock", "Hickory", "Holly", "Juniper", "Larch", "Laurel", "Linden", "Locust",
        "Magnolia", "Maple", "Mesquite", "Mulberry", "Oak", "Olive", "Palo Verde", "Pecan", "Pine", "Pinyon", "Plum",
        "Poplar", "Redbud", "Redwood", "Rowan", "Sage", "Sequoia", "Spruce", "Sumac", "Sycamore", "Tamarack", "Tupelo",
        "Walnut", "Willow", "Yew", "Yucca", "Acacia", "Catalpa", "Ironwood", "Madrone", "Manzanita", "Alamo",
    ];

    private static readonly string[] ArterialNorthSouth =
    [
        "Sierra", "Comstock", "Truckee", "Washoe", "Tahoe", "Donner", "Pyramid", "Carson", "Humboldt", "Ruby", "Lahontan",
        "Mount Rose", "Peavine", "Galena", "Steamboat", "Verdi", "Sparks", "Virginia",
    ];

    private static readonly string[] ArterialEastWest =
    [
        "Plumas", "Moana", "Kietzke", "McCarran", "Mayberry", "Lakeside", "Sutro", "Wells", "Vassar", "Mill", "Glendale",
        "Oddie", "Prater", "Baring", "Greg", "Longley", "Meadowood", "Neil",
    ];

    /// <summary>The name of the north-south street on grid column <paramref name="column"/>.</summary>
    /// <param name="column">The column, 0 through the centre, negative to the west.</param>
    /// <param name="arterial">Whether the column is an arterial.</param>
    /// <param name="every">Arterials come every this many columns.</param>
    public static string NorthSouth(int column, bool arterial, int every) => arterial
        ? Pick(ArterialNorthSouth, column / every) + " Boulevard"
        : Pick(Residential, column) + " Street";

    /// <summary>The name of the east-west street on grid row <paramref name="row"/>, counted from the southernmost row <paramref name="southmost"/>.</summary>
    /// <param name="row">The row, 0 through the centre, negative to the south.</param>
    /// <param name="southmost">The southernmost row of the grid.</param>
    /// <param name="arterial">Whether the row is an arterial.</param>
    /// <param name="every">Arterials come every this many rows.</param>
    public static string EastWest(int row, int southmost, bool arterial, int every) => arterial
        ? Pick(ArterialEastWest, row / every) + " Avenue"
        : Ordinal(row - southmost + 1) + " Avenue";

    /// <summary>The ring highway.</summary>
    public const string Ring = "Ring Highway";

    /// <summary>What every ramp's name starts with.</summary>
    public const string RampPrefix = "Ring Highway Exit ";

    /// <summary>The ramps of interchange <paramref name="interchange"/> (0-based), numbered clockwise from the first.</summary>
    /// <param name="interchange">The interchange.</param>
    public static string Ramp(int interchange) => RampPrefix + (interchange + 1).ToString(CultureInfo.InvariantCulture);

    private static string Pick(string[] names, int index)
    {
        // Centre first, then outwards alternating east/west (or north/south): 0, 1, -1, 2, -2...
        int slot = index >= 0 ? 2 * index : (-2 * index) - 1;
        string name = names[slot % names.Length];
        int lap = slot / names.Length;
        return lap == 0 ? name : name + " " + ToRoman(lap + 1);
    }

    private static string Ordinal(int n)
    {
        string suffix = (n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        return n.ToString(CultureInfo.InvariantCulture) + suffix;
    }

    private static string ToRoman(int n) => n switch { 2 => "II", 3 => "III", 4 => "IV", _ => n.ToString(CultureInfo.InvariantCulture) };
}
