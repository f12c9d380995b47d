namespace Tracker.SubsetCheck;

/// <summary>
/// <c>Tracker.SubsetCheck [&lt;assembly.dll&gt;] [--surface &lt;tsv&gt;] [--packages &lt;packages.config&gt;]
/// [--package-deps &lt;tsv&gt;] [--project &lt;x.nfproj&gt;]... [--own-assembly &lt;name&gt;]...</c>: checks the assembly and the project's
/// packages and prints each violation as an MSBuild canonical error, then a one-line summary. Exit
/// codes: 0 clean, 1 violations, 2 bad arguments or an unreadable assembly or list.
/// </summary>
internal static class Program
{
    private const string Tool = "Tracker.SubsetCheck";
    private const string Usage = "usage: Tracker.SubsetCheck [<assembly.dll>] [--surface <nanoframework-api-surface.tsv>] [--packages <packages.config>] [--package-deps <nanoframework-package-deps.tsv>] [--project <x.nfproj>]... [--own-assembly <name>]...";

    private static int Main(string[] args)
    {
        string? assembly = null;
        var single = new Dictionary<string, string>(StringComparer.Ordinal);
        var projects = new List<string>();
        var own = new List<string>();
        string[] singleOptions = ["--surface", "--packages", "--package-deps"];
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                Console.WriteLine(Usage);
                Console.WriteLine("Checks a compiled assembly against the nanoFramework 1.x subset: no generics, no multi-dimensional arrays,");
                Console.WriteLine("no null comparison of an array element as a value, only types and members in the surface TSV (with");
                Console.WriteLine("--surface, when the file exists), from assemblies the packages.config lists (with --packages). Each");
                Console.WriteLine("--project is checked against the packages.config beside it and the package dependency list.");
                Console.WriteLine("--own-assembly names an assembly of this repository whose types are checked on their own.");
                Console.WriteLine("Exit codes: 0 clean, 1 violations, 2 usage or input error.");
                return 0;
            }

            bool isSingle = Array.IndexOf(singleOptions, arg) >= 0;
            if (isSingle || arg is "--project" or "--own-assembly")
            {
                if (i + 1 >= args.Length || args[i + 1].Length == 0)
                {
                    return Fail(arg == "--own-assembly" ? "--own-assembly needs an assembly name" : $"{arg} needs a file path");
                }

                string value = args[++i];
                if (arg == "--project")
                {
                    projects.Add(value);
                }
                else if (arg == "--own-assembly")
                {
                    own.Add(value);
                }
                else if (!single.TryAdd(arg, value))
                {
                    return Fail($"{arg} given twice");
                }
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

        if (assembly is null && projects.Count == 0 && !single.ContainsKey("--packages"))
        {
            return Fail("no assembly given");
        }

        if (assembly is not null && !File.Exists(assembly))
        {
            return Error($"assembly not found: {assembly}");
        }

        foreach (string path in projects.Concat(single.TryGetValue("--packages", out string? packages) ? [packages] : []))
        {
            if (!File.Exists(path))
            {
                return Error($"file not found: {path}");
            }
        }

        SubsetReport report;
        try
        {
            report = SubsetChecker.Check(new SubsetCheckOptions
            {
                AssemblyPath = assembly,
                SurfacePath = single.GetValueOrDefault("--surface"),
                PackagesConfigPath = single.GetValueOrDefault("--packages"),
                PackageDependenciesPath = single.GetValueOrDefault("--package-deps"),
                ProjectPaths = projects,
                OwnAssemblies = own,
            });
        }
        catch (SubsetCheckInputException e)
        {
            return Error(e.Message);
        }

        string origin = Path.GetFullPath(assembly ?? projects.FirstOrDefault() ?? single["--packages"]);
        foreach (SubsetViolation violation in report.Violations)
        {
            Console.WriteLine(violation.ToMSBuildError(origin));
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
