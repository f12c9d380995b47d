namespace Tracker.Provisioning.Storage;

/// <summary>
/// Whether a folder lies inside a git work tree. The fleet CA's key and the cars' keys must never land in one: an
/// untracked folder there is one <c>git add .</c> away from a commit, and a commit is forever.
/// </summary>
public static class WorkTree
{
    /// <summary>The work tree that holds <paramref name="path"/>: the nearest folder at or above it with a <c>.git</c> folder or file (a worktree or a submodule has a file).</summary>
    /// <param name="path">A folder or file, existing or not.</param>
    /// <returns>The work tree's root, or null when the path is outside every work tree.</returns>
    public static string? Containing(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        for (DirectoryInfo? d = new(Path.GetFullPath(path)); d is not null; d = d.Parent)
        {
            string git = Path.Combine(d.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return d.FullName;
            }
        }

        return null;
    }

    /// <summary>Refuses a folder inside a git work tree, unless <paramref name="allowed"/>.</summary>
    /// <param name="path">Where the keys would go.</param>
    /// <param name="what">What would be written there, for the message ("the fleet CA's key").</param>
    /// <param name="allowed">The user said so (--allow-in-repo).</param>
    /// <param name="outside">A folder outside the repository to suggest.</param>
    /// <exception cref="ProvisioningException"><see cref="ProvisioningFailure.InsideWorkTree"/>.</exception>
    public static void RefuseInside(string path, string what, bool allowed, string outside)
    {
        if (!allowed && Containing(path) is { } root)
        {
            throw new ProvisioningException(
                ProvisioningFailure.InsideWorkTree,
                $"{Path.GetFullPath(path)} is inside the git work tree {root}: {what} would be one 'git add' away from a commit. Use a folder outside it (the default is {outside}), or add --allow-in-repo if you mean it");
        }
    }
}
