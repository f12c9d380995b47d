using System.Text.RegularExpressions;

namespace Tracker.Cloud.Archive.Tests.Support;

/// <summary>
/// A small check over the text of an Athena query, short of parsing it: the query reads the archive as
/// <c>fixes</c> under an alias, and every <c>alias.column</c> it names is a column of the archive (or the
/// partition <c>dt</c>); every other identifier is a name the query itself defines (a CTE, an
/// <c>AS</c> alias) or an SQL word the queries use. A misspelled column shows up as one or the other.
/// </summary>
public static partial class SqlColumnCheck
{
    /// <summary>The SQL keywords and functions the queries use (Trino / Athena engine 3).</summary>
    private static readonly HashSet<string> s_sqlWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "with", "as", "select", "from", "where", "and", "or", "not", "between", "group", "by", "order", "having",
        "over", "partition", "rows", "unbounded", "preceding", "case", "when", "then", "else", "end", "is", "null",
        "interval", "minute", "second", "hour", "day", "cross", "join", "on", "distinct", "desc", "asc", "true", "false",
        "timestamp", "lag", "sum", "count", "min", "max", "avg", "round", "date_diff", "coalesce", "asin", "sqrt",
        "power", "sin", "cos", "radians", "min_by", "max_by", "full", "outer",
    };

    /// <summary>The problems found in a query over the fixes alone (its columns given).</summary>
    /// <param name="sql">The query text.</param>
    /// <param name="columns">The fixes' columns, with <c>dt</c>.</param>
    public static IReadOnlyList<string> Problems(string sql, IReadOnlySet<string> columns) =>
        Problems(sql, new Dictionary<string, IReadOnlySet<string>>(StringComparer.OrdinalIgnoreCase) { ["fixes"] = columns });

    /// <summary>The problems found; empty when the query passes.</summary>
    /// <param name="sql">The query text.</param>
    /// <param name="tables">The archive's tables (fixes, trips, stops), each with its columns and <c>dt</c>.</param>
    public static IReadOnlyList<string> Problems(string sql, IReadOnlyDictionary<string, IReadOnlySet<string>> tables)
    {
        string code = StringLiteral().Replace(LineComment().Replace(sql, " "), " '' ");
        var problems = new List<string>();
        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match read in TableRead().Matches(code))
        {
            string table = read.Groups["table"].Value;
            if (tables.ContainsKey(table))
            {
                aliases[read.Groups["alias"].Value] = table;
            }
        }

        foreach (Match read in UnaliasedRead().Matches(code))
        {
            if (tables.ContainsKey(read.Groups["table"].Value))
            {
                problems.Add($"the table {read.Groups["table"].Value.ToLowerInvariant()} is read without an alias (write FROM {read.Groups["table"].Value.ToLowerInvariant()} f)");
            }
        }

        if (aliases.Count == 0 && problems.Count == 0)
        {
            problems.Add($"the query reads none of the archive's tables ({string.Join(", ", tables.Keys)}) under an alias (FROM fixes f)");
        }

        var defined = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match m in Defined().Matches(code))
        {
            defined.Add(m.Groups["name"].Value);
        }

        foreach (Match m in CteName().Matches(code))
        {
            defined.Add(m.Groups["name"].Value);
        }

        foreach (Match m in TableAlias().Matches(code))
        {
            defined.Add(m.Groups["alias"].Value);
        }

        var readColumns = new HashSet<string>(aliases.Values.SelectMany(t => tables[t]), StringComparer.OrdinalIgnoreCase);
        int qualified = 0;
        foreach (Match m in Qualified().Matches(code))
        {
            string alias = m.Groups["alias"].Value;
            string column = m.Groups["column"].Value;
            if (aliases.TryGetValue(alias, out string? table))
            {
                qualified++;
                if (!tables[table].Contains(column))
                {
                    problems.Add($"{alias}.{column}: the archive's {table} has no column {column}");
                }
            }
            else if (!defined.Contains(alias))
            {
                problems.Add($"{alias}.{column}: {alias} is not a table or CTE alias of the query");
            }
        }

        if (qualified == 0 && aliases.Count > 0)
        {
            problems.Add("the query names no column of the archive as alias.column");
        }

        foreach (Match m in Identifier().Matches(code))
        {
            string word = m.Value;
            if (!s_sqlWords.Contains(word) && !defined.Contains(word) && !readColumns.Contains(word) && !tables.ContainsKey(word))
            {
                problems.Add($"{word}: neither a column of the tables read, nor a name the query defines, nor a known SQL word");
            }
        }

        return problems.Distinct().ToList();
    }

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"'(?:[^']|'')*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\b(?:FROM|JOIN)\s+(?<table>[A-Za-z_]\w*)\s+(?:AS\s+)?(?<alias>(?!(?:WHERE|GROUP|ORDER|CROSS|FULL|LEFT|RIGHT|INNER|OUTER|JOIN|ON|LIMIT)\b)[A-Za-z_]\w*)", RegexOptions.IgnoreCase)]
    private static partial Regex TableRead();

    [GeneratedRegex(@"\b(?:FROM|JOIN)\s+(?<table>[A-Za-z_]\w*)\s*(?:$|[);,]|(?:WHERE|GROUP|ORDER|CROSS|FULL|LEFT|RIGHT|INNER|OUTER|JOIN|ON|LIMIT)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex UnaliasedRead();

    [GeneratedRegex(@"\bAS\s+(?<name>[A-Za-z_]\w*)", RegexOptions.IgnoreCase)]
    private static partial Regex Defined();

    [GeneratedRegex(@"(?:\bWITH|,)\s*(?<name>[A-Za-z_]\w*)\s+AS\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex CteName();

    [GeneratedRegex(@"\b(?:FROM|JOIN)\s+[A-Za-z_]\w*\s+(?:AS\s+)?(?<alias>(?!WHERE\b|CROSS\b|JOIN\b|GROUP\b|ORDER\b|ON\b)[A-Za-z_]\w*)", RegexOptions.IgnoreCase)]
    private static partial Regex TableAlias();

    [GeneratedRegex(@"\b(?<alias>[A-Za-z_]\w*)\.(?<column>[A-Za-z_]\w*)")]
    private static partial Regex Qualified();

    [GeneratedRegex(@"(?<![\w.])[A-Za-z_]\w*\b(?!\s*\.)")]
    private static partial Regex Identifier();
}
