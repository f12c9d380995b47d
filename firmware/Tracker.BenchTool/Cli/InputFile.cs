namespace Tracker.BenchTool.Cli;

/// <summary>Opens a path argument, or standard input for "-", with a clear error when it can't.</summary>
public static class InputFile
{
    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    public static Stream Open(string path, TextReader? stdinForTests = null)
    {
        if (path == "-")
        {
            return stdinForTests is null ? Console.OpenStandardInput() : new MemoryStream(System.Text.Encoding.UTF8.GetBytes(stdinForTests.ReadToEnd()));
        }

        try
        {
            return File.OpenRead(path);
        }
        catch (FileNotFoundException)
        {
            throw new UsageException($"no such file: {path}");
        }
        catch (DirectoryNotFoundException)
        {
            throw new UsageException($"no such file: {path}");
        }
        catch (UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: permission denied, or it is a directory");
        }
        catch (IOException e)
        {
            throw new UsageException($"cannot read {path}: {e.Message}");
        }
    }
}
