namespace Tracker.Provisioning.Storage;

/// <summary>
/// A hidden folder beside a target folder where a new folder is built, then renamed into place, so a
/// failure half-way leaves nothing behind and a reader never sees a half-written bundle or CA.
/// </summary>
public sealed class StagingFolder : IDisposable
{
    private bool _committed;

    private StagingFolder(string path, string target)
    {
        Path = path;
        Target = target;
    }

    /// <summary>The staging folder, to write into.</summary>
    public string Path { get; }

    /// <summary>The folder it becomes on <see cref="Commit"/>.</summary>
    public string Target { get; }

    /// <summary>
    /// Creates a staging folder beside <paramref name="target"/>. The parent must already exist: creating
    /// it would change the disk before anything was known to succeed.
    /// </summary>
    /// <param name="target">The folder to build.</param>
    /// <returns>The staging folder.</returns>
    /// <exception cref="ProvisioningException">The parent is missing or cannot be written.</exception>
    public static StagingFolder Beside(string target)
    {
        string full = System.IO.Path.GetFullPath(target).TrimEnd(System.IO.Path.DirectorySeparatorChar);
        string parent = System.IO.Path.GetDirectoryName(full)
            ?? throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, "cannot build a folder at the file system's root: " + full);
        if (!Directory.Exists(parent))
        {
            throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, "the folder " + parent + " does not exist");
        }

        string staging = System.IO.Path.Combine(parent, "." + System.IO.Path.GetFileName(full) + ".staging-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(staging);
            return new StagingFolder(staging, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, "cannot write in " + parent + ": " + e.Message, e);
        }
    }

    /// <summary>The path of a file inside the staging folder.</summary>
    /// <param name="name">The file's name.</param>
    /// <returns>The path.</returns>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// Renames the staging folder to <see cref="Target"/>. An empty target folder is replaced; a
    /// non-empty one is an error (the caller moved it away first if it meant to).
    /// </summary>
    public void Commit()
    {
        if (Directory.Exists(Target))
        {
            if (Directory.EnumerateFileSystemEntries(Target).Any())
            {
                throw new IOException(Target + " is not empty");
            }

            Directory.Delete(Target);
        }

        Directory.Move(Path, Target);
        _committed = true;
    }

    /// <summary>Deletes the staging folder unless it was committed.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
