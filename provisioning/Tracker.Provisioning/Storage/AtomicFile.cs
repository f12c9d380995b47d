namespace Tracker.Provisioning.Storage;

/// <summary>
/// Replaces a file as one rename: the content goes to a temporary file beside it first, so a reader
/// (or a crash) sees the old file or the new one, never half of one.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> through a temporary file and a rename.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="content">The bytes.</param>
    public static void Write(string path, byte[] content)
    {
        string temp = Stage(path, content);
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes UTF-8 text (no byte order mark) through a temporary file and a rename.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="text">The text.</param>
    public static void WriteText(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Writes the content to a temporary file beside <paramref name="path"/> and returns its name, for a
    /// caller that must know every write succeeded before it renames anything.
    /// </summary>
    /// <param name="path">The file the temporary one will replace.</param>
    /// <param name="content">The bytes.</param>
    /// <returns>The temporary file's path (in the same folder, so the rename is atomic).</returns>
    public static string Stage(string path, byte[] content)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            File.WriteAllBytes(temp, content);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        return temp;
    }

    /// <summary>Deletes a file if it exists, ignoring failures (for clean-up paths).</summary>
    /// <param name="path">The file.</param>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
