using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Tracker.SubsetCheck;

/// <summary>
/// Maps an IL offset in a method to its source line through the assembly's portable PDB (beside
/// the assembly or embedded). Without a readable PDB every lookup returns null and the checker
/// reports against the assembly instead.
/// </summary>
internal sealed class SourceLocator : IDisposable
{
    private readonly MetadataReaderProvider? _provider;
    private readonly MetadataReader? _pdb;

    private SourceLocator(MetadataReaderProvider? provider)
    {
        _provider = provider;
        _pdb = provider?.GetMetadataReader();
    }

    /// <summary>Opens the PDB of <paramref name="pe"/>, if there is one that can be read.</summary>
    public static SourceLocator Open(PEReader pe, string assemblyPath)
    {
        try
        {
            if (pe.TryOpenAssociatedPortablePdb(assemblyPath, OpenIfExists, out MetadataReaderProvider? provider, out _) && provider is not null)
            {
                return new SourceLocator(provider);
            }
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // A stale or foreign PDB only costs line numbers.
        }

        return new SourceLocator(null);
    }

    /// <summary>The source line of the instruction at <paramref name="ilOffset"/>, or of the method when the offset is null.</summary>
    public SourceLocation? Find(MethodDefinitionHandle method, int? ilOffset)
    {
        if (_pdb is null)
        {
            return null;
        }

        try
        {
            SequencePoint? best = null;
            foreach (SequencePoint point in _pdb.GetMethodDebugInformation(method.ToDebugInformationHandle()).GetSequencePoints())
            {
                if (point.IsHidden)
                {
                    continue;
                }

                if (best is null || (ilOffset is int offset && point.Offset <= offset))
                {
                    best = point;
                }
            }

            if (best is not SequencePoint found)
            {
                return null;
            }

            string path = _pdb.GetString(_pdb.GetDocument(found.Document).Name);
            return new SourceLocation(path, found.StartLine, found.StartColumn);
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _provider?.Dispose();

    private static Stream? OpenIfExists(string path) => File.Exists(path) ? File.OpenRead(path) : null;
}
