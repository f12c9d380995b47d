namespace Tracker.Testing;

/// <summary>
/// The one rule for tests that need a <see cref="Part"/>: when the part is missing, the test is skipped with the
/// part's reason on a developer's machine, and runs (and fails, saying what is missing) under <c>CI=true</c>, where a
/// skip would hide a broken install step. Parts are looked for in the clone the tests were built from.
/// </summary>
public sealed class PartCatalog
{
    private readonly Func<string, string?> _environment;
    private readonly Func<string, bool> _exists;

    /// <summary>Creates a catalog over a clone, an environment and a file system (tests of the rule pass their own).</summary>
    /// <param name="repositoryRoot">The clone's root (the folder with Tracker.sln).</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="exists">Whether a file or folder exists.</param>
    public PartCatalog(string repositoryRoot, Func<string, string?> environment, Func<string, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(exists);
        RepositoryRoot = repositoryRoot;
        _environment = environment;
        _exists = exists;
    }

    /// <summary>The catalog of this process: the clone the tests were built from, the real environment and disk.</summary>
    public static PartCatalog Current { get; } = new(Repository.Root, Environment.GetEnvironmentVariable, p => File.Exists(p) || Directory.Exists(p));

    /// <summary>The clone's root.</summary>
    public string RepositoryRoot { get; }

    /// <summary>True under <c>CI=true</c> (any case), where a missing part fails rather than skips.</summary>
    public bool IsCi => string.Equals(_environment("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The reason a part is missing, or null when it is there. The same text for every test that needs it.</summary>
    /// <param name="part">The part.</param>
    /// <returns>The reason, like "dynalite not installed (npm ci in cloud/dynalite)".</returns>
    public string? WhyMissing(Part part)
    {
        if (part is Part.Dynalite or Part.S3rver or Part.DuckDb or Part.AwsCdkCli or Part.OidcProvider && WhyMissing(Part.Node) is { } node)
        {
            return node;
        }

        return part switch
        {
            Part.Node => OnPath("node") is null ? "node not on PATH (install node 20 with npm)" : null,
            Part.Dynalite => Installed(Part.Dynalite) ? null : "dynalite not installed (npm ci in cloud/dynalite)",
            Part.S3rver => Installed(Part.S3rver) ? null : "s3rver not installed (npm ci in cloud/s3rver)",
            Part.DuckDb => Installed(Part.DuckDb) ? null : "DuckDB not installed (npm ci in cloud/analytics)",
            Part.AwsCdkCli => Installed(Part.AwsCdkCli) ? null : "aws-cdk CLI not installed (npm ci in cloud/Tracker.Cloud.Infra)",
            Part.Mosquitto => Mosquitto() is null ? "mosquitto not installed (apt-get install mosquitto, or TRACKER_MOSQUITTO=path)" : null,
            Part.Socat => OnPath("socat") is null ? "socat not installed (apt-get install socat)" : null,
            Part.Chromium => _exists(ChromiumPath) ? null : "chromium not installed (apt-get install chromium)",
            Part.OidcProvider => Installed(Part.OidcProvider) ? null : "oidc-provider not installed (npm ci in tests/Tracker.Web.Tests/oidc-provider)",
            Part.Clang => OnPath("clang") is null ? "clang not installed (apt-get install clang: the Lambda bootstrap's Native AOT link)" : null,
            Part.Arm64Cross => Arm64CrossMissing() is { } missing ? "arm64 cross tools not installed (apt-get install clang lld libc6-dev-arm64-cross libgcc-12-dev-arm64-cross qemu-user; missing: " + missing + ")" : null,
            Part.Aiosmtpd => _exists(SmtpServer.ModulePath) ? null : "aiosmtpd not installed (apt-get install python3-aiosmtpd)",
            _ => throw new ArgumentOutOfRangeException(nameof(part), part, "not a part"),
        };
    }

    /// <summary>
    /// Why a test that needs <paramref name="parts"/> is skipped here: the first missing part's reason, or null when
    /// every part is there or this is CI (where the test runs and fails on what is missing).
    /// </summary>
    /// <param name="parts">What the test needs.</param>
    /// <returns>The skip reason, or null to run.</returns>
    public string? SkipReason(IEnumerable<Part> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (IsCi)
        {
            return null;
        }

        foreach (Part part in parts)
        {
            if (WhyMissing(part) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    /// <summary>Where the part is: the executable, or the npm package's entry script.</summary>
    /// <param name="part">The part.</param>
    /// <returns>A path that exists.</returns>
    /// <exception cref="InvalidOperationException">The part is missing; the message is its reason.</exception>
    public string Locate(Part part)
    {
        if (WhyMissing(part) is { } reason)
        {
            throw new InvalidOperationException(reason + (IsCi ? " (CI=true: a missing part fails)" : string.Empty));
        }

        return part switch
        {
            Part.Node => OnPath("node")!,
            Part.Mosquitto => Mosquitto()!,
            Part.Socat => OnPath("socat")!,
            Part.Chromium => ChromiumPath,
            Part.Clang => OnPath("clang")!,
            Part.Arm64Cross => OnPath("qemu-aarch64")!,
            _ => PackagePath(part),
        };
    }

    /// <summary>Debian's Chromium, which Playwright is told to use.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The entry file of an npm part in this clone (it may not exist).</summary>
    /// <param name="part">An npm part.</param>
    /// <returns>The path.</returns>
    public string PackagePath(Part part) => part switch
    {
        Part.Dynalite => Path.Combine(RepositoryRoot, "cloud", "dynalite", "node_modules", "dynalite", "cli.js"),
        Part.S3rver => Path.Combine(RepositoryRoot, "cloud", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js"),
        Part.DuckDb => Path.Combine(RepositoryRoot, "cloud", "analytics", "node_modules", "@duckdb", "node-api", "package.json"),
        Part.AwsCdkCli => Path.Combine(RepositoryRoot, "cloud", "Tracker.Cloud.Infra", "node_modules", "aws-cdk", "bin", "cdk"),
        Part.OidcProvider => Path.Combine(RepositoryRoot, "tests", "Tracker.Web.Tests", "oidc-provider", "node_modules", "oidc-provider", "package.json"),
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, "not an npm part"),
    };

    private bool Installed(Part part) => _exists(PackagePath(part));

    private string? Mosquitto()
    {
        string? configured = _environment("TRACKER_MOSQUITTO");
        if (!string.IsNullOrEmpty(configured))
        {
            return _exists(configured) ? configured : null;
        }

        return Directories().Concat(["/usr/sbin", "/usr/local/sbin"]).Select(d => Path.Combine(d, "mosquitto")).FirstOrDefault(_exists);
    }

    // What the arm64 cross build and its emulation lack, or null (Tracker.Cloud.Lambda.Runtime.csproj names the tools).
    private string? Arm64CrossMissing()
    {
        string[] missing = new[] { "/usr/bin/clang", "/usr/bin/ld.lld", "/usr/bin/qemu-aarch64", "/usr/aarch64-linux-gnu/lib/libc.so.6" }
            .Where(p => !_exists(p))
            .Select(Path.GetFileName)
            .ToArray()!;
        return missing.Length == 0 ? null : string.Join(", ", missing);
    }

    private string? OnPath(string name) => Directories().Select(d => Path.Combine(d, name)).FirstOrDefault(_exists);

    private IEnumerable<string> Directories() =>
        (_environment("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
}
