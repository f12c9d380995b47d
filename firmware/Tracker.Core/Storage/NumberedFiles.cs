using Tracker.Core.Common;

namespace Tracker.Core.Storage
{
    /// <summary>
    /// Files named by a prefix and eight decimal digits (<c>cfg.00000007</c>, <c>part.00004096</c>): the
    /// name of a number, the number of a name, and the numbers present in a directory, sorted. Shared by
    /// <see cref="CheckedFileStore"/>'s generations and the update download's segments.
    /// </summary>
    public static class NumberedFiles
    {
        /// <summary>The file name of <paramref name="number"/>.</summary>
        /// <param name="prefix">The prefix.</param>
        /// <param name="number">0 to 99,999,999.</param>
        /// <returns>The prefix and the number in eight digits.</returns>
        public static string Name(string prefix, int number)
        {
            string digits = number.ToString();
            while (digits.Length < 8)
            {
                digits = "0" + digits;
            }

            return prefix + digits;
        }

        /// <summary>The number in a file name. Never throws.</summary>
        /// <param name="prefix">The prefix.</param>
        /// <param name="name">A file name.</param>
        /// <returns>The number, or -1 when the name is not the prefix and eight digits.</returns>
        public static int Parse(string prefix, string name)
        {
            if (name.Length != prefix.Length + 8 || !name.StartsWith(prefix))
            {
                return -1;
            }

            for (int i = prefix.Length; i < name.Length; i++)
            {
                if (name[i] < '0' || name[i] > '9')
                {
                    return -1;
                }
            }

            int number;
            return ConfigLineReader.TryParseInt(name.Substring(prefix.Length), out number) ? number : -1;
        }

        /// <summary>The numbers of the files in <paramref name="directory"/> named with <paramref name="prefix"/>, created if missing.</summary>
        /// <param name="fs">The file system.</param>
        /// <param name="directory">The directory.</param>
        /// <param name="prefix">The prefix.</param>
        /// <param name="descending">True for newest (largest) first.</param>
        /// <returns>The numbers, sorted.</returns>
        /// <exception cref="System.Exception">A storage failure.</exception>
        public static int[] List(IFlashFileSystem fs, string directory, string prefix, bool descending)
        {
            fs.CreateDirectory(directory);
            string[] names = fs.ListFiles(directory);
            int[] found = new int[names.Length];
            int n = 0;
            for (int i = 0; i < names.Length; i++)
            {
                int number = Parse(prefix, names[i]);
                if (number >= 0)
                {
                    found[n++] = number;
                }
            }

            // Insertion sort: a handful of files.
            for (int i = 1; i < n; i++)
            {
                int v = found[i];
                int j = i - 1;
                while (j >= 0 && (descending ? found[j] < v : found[j] > v))
                {
                    found[j + 1] = found[j];
                    j--;
                }

                found[j + 1] = v;
            }

            int[] sorted = new int[n];
            System.Array.Copy(found, sorted, n);
            return sorted;
        }
    }
}
