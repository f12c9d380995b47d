using System.Reflection.Metadata;

namespace Tracker.SubsetCheck;

/// <summary>Names of metadata entities in the form the surface list and messages use.</summary>
internal static class MetadataNames
{
    /// <summary>Full name of a referenced type; a nested type is <c>Outer.Inner</c>, as in documentation IDs.</summary>
    public static string TypeName(MetadataReader reader, TypeReferenceHandle handle)
    {
        TypeReference type = reader.GetTypeReference(handle);
        string name = reader.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return TypeName(reader, (TypeReferenceHandle)type.ResolutionScope) + "." + name;
        }

        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>Full name of a defined type; a nested type is <c>Outer.Inner</c>.</summary>
    public static string TypeName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        string name = reader.GetString(type.Name);
        TypeDefinitionHandle outer = type.GetDeclaringType();
        if (!outer.IsNil)
        {
            return TypeName(reader, outer) + "." + name;
        }

        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>A defined method as messages show it: <c>Namespace.Type.Method</c>, constructors as <c>#ctor</c>.</summary>
    public static string MethodName(MetadataReader reader, MethodDefinitionHandle handle)
    {
        MethodDefinition method = reader.GetMethodDefinition(handle);
        return TypeName(reader, method.GetDeclaringType()) + "." + MemberName(reader.GetString(method.Name));
    }

    /// <summary>A defined field as messages show it.</summary>
    public static string FieldName(MetadataReader reader, FieldDefinitionHandle handle)
    {
        FieldDefinition field = reader.GetFieldDefinition(handle);
        return TypeName(reader, field.GetDeclaringType()) + "." + reader.GetString(field.Name);
    }

    /// <summary>A member name in documentation-ID form: <c>.ctor</c> is <c>#ctor</c>.</summary>
    public static string MemberName(string name) => name switch
    {
        ".ctor" => "#ctor",
        ".cctor" => "#cctor",
        _ => name,
    };

    /// <summary>Drops the arity suffix of a generic type name (<c>List`1</c> is <c>List</c>).</summary>
    public static string WithoutArity(string name)
    {
        int tick = name.LastIndexOf('`');
        int dot = name.LastIndexOf('.');
        return tick > dot ? name[..tick] : name;
    }
}
