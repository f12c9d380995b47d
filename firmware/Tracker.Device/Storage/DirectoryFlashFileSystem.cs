using System;
using System.IO;
using Tracker.Core.Storage;

namespace Tracker.Device.Storage
{
    /// <summary>
    /// <see cref="IFlashFileSystem"/> over <c>System.IO</c>: LittleFS at <c>I:</c> on the device, a
    /// directory on the host. It uses only members that nanoFramework's System.IO.FileSystem and
    /// System.IO.Streams provide (see reference/nanoframework-api-surface.tsv), so the same source
    /// serves both: the device app compiles it, and so does <c>firmware/Tracker.Device.Host</c> for the
    /// host (tests, the bench tool, the simulated fleet). It lives in the device app, not the shared
    /// core, so that the core needs nothing but mscorlib.
    /// </summary>
    /// <remarks>
    /// One write stream and one read stream are kept open, for the last file appended to and the
    /// last file read, because opening a <c>FileStream</c> costs several native calls and some
    /// allocation on the device. Both are opened with <c>FileShare.ReadWrite</c> and a one-byte
    /// buffer (no user-mode buffering on the host), so a read always sees every completed append.
    /// On the device every <c>FileStream.Write</c> reaches flash before it returns (the native write
    /// syncs; <c>Flush</c> is a no-op there). On the host <c>Flush</c> hands the bytes to the OS:
    /// they survive a process crash, not a power cut, which is all a host needs.
    /// </remarks>
    public sealed class DirectoryFlashFileSystem : IFlashFileSystem, IDisposable
    {
        private FileStream? _writer;
        private string? _writerPath;
        private FileStream? _reader;
        private string? _readerPath;

        /// <inheritdoc/>
        public void CreateDirectory(string directory)
        {
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        /// <inheritdoc/>
        public string[] ListFiles(string directory)
        {
            // GetFiles returns paths; nanoFramework has no search-pattern overload.
            string[] paths = Directory.GetFiles(directory);
            string[] names = new string[paths.Length];
            for (int i = 0; i < paths.Length; i++)
            {
                names[i] = Path.GetFileName(paths[i]);
            }

            return names;
        }

        /// <inheritdoc/>
        public string Combine(string directory, string name)
        {
            return Path.Combine(directory, name);
        }

        /// <inheritdoc/>
        public int Length(string path)
        {
            if (_writer != null && _writerPath == path)
            {
                return (int)_writer.Length;
            }

            if (!File.Exists(path))
            {
                return -1;
            }

            return (int)OpenReader(path).Length;
        }

        /// <inheritdoc/>
        public int ReadAt(string path, int offset, byte[] buffer, int index, int count)
        {
            if (!File.Exists(path))
            {
                return 0;
            }

            FileStream reader = OpenReader(path);
            long length = reader.Length;
            if (offset >= length)
            {
                return 0;
            }

            if (count > length - offset)
            {
                count = (int)(length - offset);
            }

            reader.Seek(offset, SeekOrigin.Begin);
            int total = 0;
            while (total < count)
            {
                int n = reader.Read(buffer, index + total, count - total);
                if (n <= 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }

        /// <inheritdoc/>
        public void Append(string path, byte[] buffer, int index, int count)
        {
            if (_writer == null || _writerPath != path)
            {
                CloseWriter();
                _writer = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite, 1);
                _writerPath = path;
            }

            _writer.Seek(0, SeekOrigin.End);
            _writer.Write(buffer, index, count);
            _writer.Flush();
        }

        /// <inheritdoc/>
        public void Delete(string path)
        {
            Release(path);
            File.Delete(path);
        }

        /// <inheritdoc/>
        public void Rename(string sourcePath, string destinationPath)
        {
            Release(sourcePath);
            Release(destinationPath);
            File.Move(sourcePath, destinationPath);
        }

        /// <summary>Closes the cached streams.</summary>
        public void Dispose()
        {
            CloseWriter();
            CloseReader();
        }

        private FileStream OpenReader(string path)
        {
            if (_reader == null || _readerPath != path)
            {
                CloseReader();
                _reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
                _readerPath = path;
            }

            return _reader;
        }

        private void Release(string path)
        {
            if (_writerPath == path)
            {
                CloseWriter();
            }

            if (_readerPath == path)
            {
                CloseReader();
            }
        }

        private void CloseWriter()
        {
            if (_writer != null)
            {
                _writer.Dispose();
                _writer = null;
                _writerPath = null;
            }
        }

        private void CloseReader()
        {
            if (_reader != null)
            {
                _reader.Dispose();
                _reader = null;
                _readerPath = null;
            }
        }
    }
}
