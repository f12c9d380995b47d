using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace Tracker.SubsetCheck;

/// <summary>
/// Decodes signature blobs into <see cref="SignatureType"/> names in documentation-ID form (as the
/// C# compiler writes them in XML documentation: nested types joined with '.', arrays <c>[]</c>,
/// by-ref <c>@</c>, pointers <c>*</c>, generic arguments in braces). It notes every generic and
/// multi-dimensional array it meets (ELEMENT_TYPE_GENERICINST, VAR, MVAR, ARRAY) and remembers
/// which type references and specifications each decode touched, so uses can be traced back.
/// </summary>
internal sealed class DocIdTypeProvider(MetadataReader reader) : ISignatureTypeProvider<SignatureType, object?>
{
    private readonly HashSet<EntityHandle> _touched = [];

    /// <summary>Type references and specifications met since the last <see cref="TakeTouched"/>.</summary>
    public EntityHandle[] TakeTouched()
    {
        EntityHandle[] result = [.. _touched];
        _touched.Clear();
        return result;
    }

    /// <inheritdoc />
    public SignatureType GetPrimitiveType(PrimitiveTypeCode typeCode) => SignatureType.Plain("System." + typeCode switch
    {
        PrimitiveTypeCode.Boolean => "Boolean",
        PrimitiveTypeCode.Byte => "Byte",
        PrimitiveTypeCode.SByte => "SByte",
        PrimitiveTypeCode.Char => "Char",
        PrimitiveTypeCode.Int16 => "Int16",
        PrimitiveTypeCode.UInt16 => "UInt16",
        PrimitiveTypeCode.Int32 => "Int32",
        PrimitiveTypeCode.UInt32 => "UInt32",
        PrimitiveTypeCode.Int64 => "Int64",
        PrimitiveTypeCode.UInt64 => "UInt64",
        PrimitiveTypeCode.Single => "Single",
        PrimitiveTypeCode.Double => "Double",
        PrimitiveTypeCode.IntPtr => "IntPtr",
        PrimitiveTypeCode.UIntPtr => "UIntPtr",
        PrimitiveTypeCode.Object => "Object",
        PrimitiveTypeCode.String => "String",
        PrimitiveTypeCode.TypedReference => "TypedReference",
        PrimitiveTypeCode.Void => "Void",
        _ => typeCode.ToString(),
    });

    /// <inheritdoc />
    public SignatureType GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
        SignatureType.Plain(MetadataNames.TypeName(reader, handle));

    /// <inheritdoc />
    public SignatureType GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        _touched.Add(handle);
        return SignatureType.Plain(MetadataNames.TypeName(reader, handle));
    }

    /// <inheritdoc />
    public SignatureType GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
    {
        _touched.Add(handle);
        return reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }

    /// <inheritdoc />
    public SignatureType GetSZArrayType(SignatureType elementType) => elementType.Wrap(elementType.Name + "[]");

    /// <inheritdoc />
    public SignatureType GetArrayType(SignatureType elementType, ArrayShape shape)
    {
        // Documentation-ID form of a rectangular array: [lower:size,...], e.g. int[,] is [0:,0:].
        var dims = new string[shape.Rank];
        for (int i = 0; i < shape.Rank; i++)
        {
            string lower = i < shape.LowerBounds.Length ? shape.LowerBounds[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";
            string size = i < shape.Sizes.Length ? shape.Sizes[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
            dims[i] = lower + ":" + size;
        }

        string name = elementType.Name + "[" + string.Join(",", dims) + "]";
        return new SignatureType(name, elementType.Generic, elementType.MultiDimensionalArray ?? "multi-dimensional array " + name);
    }

    /// <inheritdoc />
    public SignatureType GetByReferenceType(SignatureType elementType) => elementType.Wrap(elementType.Name + "@");

    /// <inheritdoc />
    public SignatureType GetPointerType(SignatureType elementType) => elementType.Wrap(elementType.Name + "*");

    /// <inheritdoc />
    public SignatureType GetPinnedType(SignatureType elementType) => elementType;

    /// <inheritdoc />
    public SignatureType GetModifiedType(SignatureType modifier, SignatureType unmodifiedType, bool isRequired) => unmodifiedType;

    /// <inheritdoc />
    public SignatureType GetGenericInstantiation(SignatureType genericType, ImmutableArray<SignatureType> typeArguments)
    {
        string name = MetadataNames.WithoutArity(genericType.Name) + "{" + string.Join(",", typeArguments.Select(a => a.Name)) + "}";
        (_, string? array) = SignatureType.Flags(typeArguments);
        return new SignatureType(name, "generic type " + name, genericType.MultiDimensionalArray ?? array);
    }

    /// <inheritdoc />
    public SignatureType GetGenericTypeParameter(object? genericContext, int index)
    {
        string name = "`" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new SignatureType(name, "generic type parameter " + name, null);
    }

    /// <inheritdoc />
    public SignatureType GetGenericMethodParameter(object? genericContext, int index)
    {
        string name = "``" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new SignatureType(name, "generic method parameter " + name, null);
    }

    /// <inheritdoc />
    public SignatureType GetFunctionPointerType(MethodSignature<SignatureType> signature)
    {
        string name = "=FUNC:" + signature.ReturnType.Name + "(" + string.Join(",", signature.ParameterTypes.Select(p => p.Name)) + ")";
        (string? generic, string? array) = SignatureType.Flags([signature.ReturnType, .. signature.ParameterTypes]);
        return new SignatureType(name, generic, array);
    }

    /// <summary>The reader this provider decodes for.</summary>
    public MetadataReader Reader { get; } = reader;
}
