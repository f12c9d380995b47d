namespace Tracker.Provisioning.IntegrationTests.Support;

/// <summary>A temporary folder for one test (the fleet CA, bundles, ledger), deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempFolder() => Path = Directory.CreateTempSubdirectory("tracker-provit-").FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Deletes the folder and everything in it.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
