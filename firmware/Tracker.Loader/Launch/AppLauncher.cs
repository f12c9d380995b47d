using System;
using System.Reflection;
using Tracker.Core.Control;

namespace Tracker.Loader.Launch
{
    /// <summary>
    /// The runtime's part of the loader (Control/README.md §2, "The loader"): the checked assemblies of a
    /// <see cref="VerifiedImage"/> through <c>Assembly.Load(byte[])</c> in the manifest's order, the entry type
    /// looked up in them from the last loaded (the application's own) to the first, and its entry method. Uses
    /// mscorlib alone (<c>M:System.Reflection.Assembly.Load(System.Byte[])</c>, <c>Assembly.GetType(string)</c>,
    /// <c>Type.GetMethod(string)</c>, <c>MethodBase.Invoke</c> in the API surface); reflection lives here, in the
    /// loader app, never in the shared core. What only a board can prove is listed in README.md.
    /// </summary>
    public static class AppLauncher
    {
        /// <summary>The built-in application's assembly (the one nanoff deployed beside the loader).</summary>
        public const string BuiltInAssembly = "Tracker.Device";

        /// <summary>The built-in application's entry type.</summary>
        public const string BuiltInType = "Tracker.Device.Program";

        /// <summary>The built-in application's entry method (its own <c>Main</c>, no parameters).</summary>
        public const string BuiltInMethod = "Main";

        /// <summary>Loads <paramref name="image"/>'s assemblies and finds its entry point.</summary>
        /// <param name="image">The checked image.</param>
        /// <param name="entry">The entry method, or null.</param>
        /// <param name="problem">What the runtime refused, or empty.</param>
        /// <returns>True when the entry point was found.</returns>
        public static bool TryLoad(VerifiedImage image, out MethodInfo? entry, out string problem)
        {
            entry = null;
            problem = string.Empty;
            Assembly[] loaded = new Assembly[image.Count];
            for (int i = 0; i < image.Count; i++)
            {
                Assembly? assembly;
                try
                {
                    assembly = Assembly.Load(image.AssemblyAt(i));
                }
                catch (Exception e)
                {
                    problem = String.Concat("Assembly.Load(", image.NameAt(i), ") threw ", e.Message);
                    return false;
                }

                if (assembly == null)
                {
                    problem = String.Concat("Assembly.Load(", image.NameAt(i), ") gave nothing");
                    return false;
                }

                loaded[i] = assembly;
            }

            for (int i = loaded.Length - 1; i >= 0; i--)
            {
                Type? type = loaded[i].GetType(image.EntryType);
                if (type != null)
                {
                    return TryMethod(type, image.EntryMethod, out entry, out problem);
                }
            }

            problem = String.Concat("no assembly of the image defines ", image.EntryType);
            return false;
        }

        /// <summary>Finds the built-in application's entry point among the deployed assemblies.</summary>
        /// <param name="entry">The entry method, or null.</param>
        /// <param name="problem">What was missing, or empty.</param>
        /// <returns>True when it was found.</returns>
        public static bool TryBuiltIn(out MethodInfo? entry, out string problem)
        {
            entry = null;
            Assembly? assembly;
            try
            {
                assembly = Assembly.Load(BuiltInAssembly);
            }
            catch (Exception e)
            {
                problem = String.Concat("Assembly.Load(", BuiltInAssembly, ") threw ", e.Message);
                return false;
            }

            Type? type = assembly == null ? null : assembly.GetType(BuiltInType);
            if (type == null)
            {
                problem = String.Concat(BuiltInType, " is not deployed");
                return false;
            }

            return TryMethod(type, BuiltInMethod, out entry, out problem);
        }

        private static bool TryMethod(Type type, string name, out MethodInfo? entry, out string problem)
        {
            entry = type.GetMethod(name);
            problem = entry == null ? String.Concat(type.FullName, " has no public method ", name) : string.Empty;
            return entry != null;
        }
    }
}
