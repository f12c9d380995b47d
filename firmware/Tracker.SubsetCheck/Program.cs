namespace Tracker.SubsetCheck;

/// <summary>
/// <c>Tracker.SubsetCheck &lt;assembly.dll&gt; [--surface &lt;tsv&gt;]</c>: checks the assembly and
/// prints each violation as an MSBuild canonical error, then a one-line summary. Exit codes: 0 clean,
/// 1 violations, 2 bad arguments or an unreadable assembly or list.
/// </summary>
internal static class Program
{
    private const string Tool = "Tracker.SubsetCheck";
    private const string Usage = "usage: Tracker.SubsetCheck <assembly.dll> [--surface <nanoframework-api-surface.tsv>]";

    private static int Main(string[] args)
    {
        string? assembly = null;
        string? surface = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                Console.WriteLine(Usage);
                Console.WriteLine("Checks a compiled assembly against the nanoFramework 1.x subset: no generics, no multi-dimensional arrays,");
                Console.WriteLine("and (with --surface, when the file exists) only types and members listed in the surface TSV.");
                Console.WriteLine("Exit codes: 0 clean, 1 violations, 2 usage or input error.");
                return 0;
            }

            if (arg == "--surface")
            {
                if (i + 1 >= args.Length || args[i + 1].Length == 0)
                {
                    return Fail("--surface needs a file path");
                }

                if (surface is not null)
                {
                    return Fail("--surface given twice");
                }

                surface = args[++i];
            }
            else if (arg.StartsWith('-'))
            {
                return Fail($"unknown option '{arg}'");
            }
            else if (assembly is null)
            {
                assembly = arg;
            }
            else
            {
                return Fail($"unexpected argument '{arg}' (one assembly at a time)");
            }
        }

        if (assembly is null)
        {
            return Fail("no assembly given");
        }

        if (!File.Exists(assembly))
        {
            return Error($"assembly not found: {assembly}");
        }

        SubsetReport report;
        try
        {
            report = SubsetChecker.Check(assembly, surface);
        }
        catch (SubsetCheckInputException e)
        {
            return Error(e.Message);
        }

        string fullPath = Path.GetFullPath(assembly);
        foreach (SubsetViolation violation in report.Violations)
        {
            Console.WriteLine(violation.ToMSBuildError(fullPath));
        }

        Console.WriteLine($"{Tool}: {report.Summary}");
        return report.IsClean ? 0 : 1;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"{Tool}: error NFSUB000: {message}");
        Console.Error.WriteLine(Usage);
        return 2;
    }

    private static int Error(string message)
    {
        Console.Error.WriteLine($"{Tool}: error NFSUB000: {message}");
        return 2;
    }
}
