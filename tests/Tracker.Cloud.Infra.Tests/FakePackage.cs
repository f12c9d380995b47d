namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// A stand-in Lambda package for synthesis: an executable <c>bootstrap</c> (what InfraSettings checks and
/// the asset zips). The real package is published and started by tests/Tracker.Cloud.Lambda.Runtime.Tests.
/// </summary>
public static class FakePackage
{
    /// <summary>Creates <paramref name="folder"/> with an executable bootstrap in it.</summary>
    public static string Create(string folder)
    {
        Directory.CreateDirectory(folder);
        string bootstrap = Path.Combine(folder, InfraSettings.BootstrapFile);
        File.WriteAllText(bootstrap, "#!/bin/sh\necho 'a stand-in: publish cloud/Tracker.Cloud.Lambda.Runtime' >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bootstrap, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return folder;
    }
}
