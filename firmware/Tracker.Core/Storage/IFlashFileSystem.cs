namespace Tracker.Core.Storage
{
    /// <summary>
    /// The few file operations <see cref="FixLog"/> needs, and only the guarantees a small flash file
    /// system (LittleFS at <c>I:</c> on the ESP32) actually gives. On the host it is a directory.
    /// </summary>
    /// <remarks>
    /// What the log relies on, and nothing more:
    /// <list type="bullet">
    /// <item><see cref="Append"/> is durable when it returns. If power is cut during the call, the
    /// file may end with any prefix of the bytes, possibly followed by garbage; earlier bytes are
    /// untouched. (LittleFS is stricter: a closed write is all-or-nothing.)</item>
    /// <item><see cref="Rename"/> and <see cref="Delete"/> either happen completely or not at all.</item>
    /// <item>Files only grow. There is no truncate and no overwrite: nanoFramework's
    /// <c>FileStream.SetLength</c> throws <c>NotImplementedException</c> (System.IO.FileSystem
    /// 1.1.x, FileStream.cs), and appending after a torn tail is avoided by starting a new file.</item>
    /// <item><see cref="Rename"/> never replaces: nanoFramework's <c>File.Move</c> throws when the
    /// destination exists (File.cs), so the log only renames to fresh names.</item>
    /// </list>
    /// Any member may throw on a storage failure (an <c>IOException</c> or, on the device,
    /// <c>System.Exception</c> from <c>File.Move</c>); <see cref="FixLog"/> catches those around each
    /// call and turns them into result values.
    /// </remarks>
    public interface IFlashFileSystem
    {
        /// <summary>Creates <paramref name="directory"/> if it does not exist.</summary>
        /// <param name="directory">The directory path, for example <c>I:\fixlog</c>.</param>
        void CreateDirectory(string directory);

        /// <summary>Names (not paths) of the files in <paramref name="directory"/>, in any order.</summary>
        /// <param name="directory">The directory path.</param>
        /// <returns>The file names; empty when there are none.</returns>
        string[] ListFiles(string directory);

        /// <summary>Joins a directory and a file name into a path.</summary>
        /// <param name="directory">The directory path.</param>
        /// <param name="name">The file name.</param>
        /// <returns>The file's path.</returns>
        string Combine(string directory, string name);

        /// <summary>Length of a file in bytes.</summary>
        /// <param name="path">The file's path.</param>
        /// <returns>The length, or -1 when the file does not exist.</returns>
        int Length(string path);

        /// <summary>Reads up to <paramref name="count"/> bytes starting at <paramref name="offset"/>.</summary>
        /// <param name="path">The file's path.</param>
        /// <param name="offset">File offset of the first byte.</param>
        /// <param name="buffer">Destination.</param>
        /// <param name="index">Index in <paramref name="buffer"/> of the first byte.</param>
        /// <param name="count">Most bytes to read.</param>
        /// <returns>Bytes read: fewer than <paramref name="count"/> only at the end of the file, 0 past it or when the file does not exist.</returns>
        int ReadAt(string path, int offset, byte[] buffer, int index, int count);

        /// <summary>Appends bytes at the end of a file, creating it if needed; durable when it returns.</summary>
        /// <param name="path">The file's path.</param>
        /// <param name="buffer">Source.</param>
        /// <param name="index">Index in <paramref name="buffer"/> of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        void Append(string path, byte[] buffer, int index, int count);

        /// <summary>Deletes a file; does nothing when it does not exist.</summary>
        /// <param name="path">The file's path.</param>
        void Delete(string path);

        /// <summary>Renames a file atomically. The destination must not exist.</summary>
        /// <param name="sourcePath">The existing file.</param>
        /// <param name="destinationPath">The new path, in the same directory.</param>
        void Rename(string sourcePath, string destinationPath);
    }
}
