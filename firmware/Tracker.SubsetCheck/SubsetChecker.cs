using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Tracker.SubsetCheck;

/// <summary>
/// Holds a compiled assembly to the nanoFramework 1.x subset (see DESIGN.md, "The shared source is
/// the nanoFramework 1.x subset"), and a project's package list to what the device needs to load
/// it. It reads metadata only (ECMA-335 II.22 tables and II.23.2 signature blobs) and never loads
/// the assembly, so it cannot run any of its code.
/// <list type="bullet">
/// <item>Generics (NFSUB002): any GenericParam row or MethodSpec, a type reference with a generic
/// arity, and any generic instantiation or generic parameter in a field, method, member-reference,
/// property, local, calli or type-specification signature (so also custom attribute constructors).
/// The 1.x runtime has no generics. A TypeSpec that is only a single-dimension array (int[] inside
/// a jagged int[][]) is fine.</item>
/// <item>Multi-dimensional arrays (NFSUB003): any ARRAY shape in those signatures.</item>
/// <item>Null comparisons of array elements as values (NFSUB004, <see cref="UnassignedSlotAnalysis"/>).</item>
/// <item>API surface (NFSUB001): every type reference and every member reference on a referenced
/// type must be in the surface list, by documentation ID. Runs only when a list is given.</item>
/// <item>Packages (NFSUB005): with a packages.config, every type and member used must come from an
/// assembly (the surface list's second column) that a listed package ships.</item>
/// <item>Package dependencies (NFSUB006) and the project file (NFSUB007): see <see cref="PackageRules"/>.</item>
/// </list>
/// Each violation names the member that uses the offending reference, found by scanning method
/// bodies' IL for tokens, and the source line when the PDB is readable.
/// </summary>
public static class SubsetChecker
{
    /// <summary>Checks an assembly, reading the surface list from a file when it exists.</summary>
    /// <param name="assemblyPath">The compiled assembly (.dll).</param>
    /// <param name="surfacePath">The surface TSV; when null or absent the surface check is skipped and the report says so.</param>
    /// <returns>The report.</returns>
    /// <exception cref="SubsetCheckInputException">The assembly or the list cannot be read.</exception>
    public static SubsetReport Check(string assemblyPath, string? surfacePath)
    {
        ArgumentNullException.ThrowIfNull(assemblyPath);
        return Check(new SubsetCheckOptions { AssemblyPath = assemblyPath, SurfacePath = surfacePath });
    }

    /// <summary>Checks an assembly, projects' package lists, or both.</summary>
    /// <param name="options">What to check, and the lists and files to check it against.</param>
    /// <returns>The report.</returns>
    /// <exception cref="SubsetCheckInputException">A file given cannot be read, or there is nothing to check.</exception>
    public static SubsetReport Check(SubsetCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? assemblyPath = options.AssemblyPath;
        if (assemblyPath is null && options.ProjectPaths.Count == 0 && options.PackagesConfigPath is null)
        {
            throw new SubsetCheckInputException("nothing to check: give an assembly, a packages.config or a project");
        }

        ApiSurface? surface = null;
        string? surfaceSkipped = null;
        if (options.SurfacePath is null)
        {
            surfaceSkipped = "no surface list given";
        }
        else if (!File.Exists(options.SurfacePath))
        {
            surfaceSkipped = $"{options.SurfacePath} not found";
        }
        else
        {
            surface = ApiSurface.Load(options.SurfacePath);
        }

        PackagesConfig? packages = options.PackagesConfigPath is null ? null : PackagesConfig.Load(options.PackagesConfigPath);
        var projects = new List<(string Project, PackagesConfig Config)>();
        foreach (string project in options.ProjectPaths)
        {
            string configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(project))!, "packages.config");
            projects.Add((project, PackagesConfig.Load(configPath)));
        }

        PackageDependencies? dependencies = null;
        string? dependenciesSkipped = null;
        if (packages is not null || projects.Count > 0)
        {
            if (options.PackageDependenciesPath is null)
            {
                dependenciesSkipped = "no package dependency list given";
            }
            else if (!File.Exists(options.PackageDependenciesPath))
            {
                dependenciesSkipped = $"{options.PackageDependenciesPath} not found";
            }
            else
            {
                dependencies = PackageDependencies.Load(options.PackageDependenciesPath);
            }
        }

        var violations = new List<SubsetViolation>();
        int typeRefs = 0, memberRefs = 0;
        if (assemblyPath is not null)
        {
            Analysis analysis = Analyse(assemblyPath, surface, packages, options.OwnAssemblies);
            violations.AddRange(analysis.Violations());
            typeRefs = analysis.TypeReferencesChecked;
            memberRefs = analysis.MemberReferencesChecked;
        }

        var configsChecked = new HashSet<string>(StringComparer.Ordinal);
        foreach (PackagesConfig? config in projects.Select(p => p.Config).Prepend(packages))
        {
            if (config is not null && dependencies is not null && configsChecked.Add(Path.GetFullPath(config.Path)))
            {
                violations.AddRange(PackageRules.CheckDependencies(config, dependencies));
            }
        }

        foreach ((string project, PackagesConfig config) in projects)
        {
            violations.AddRange(PackageRules.CheckProject(project, config));
        }

        return new SubsetReport(
            assemblyPath,
            violations,
            surface is null ? null : Path.GetFullPath(options.SurfacePath!),
            surface?.Count ?? 0,
            typeRefs,
            memberRefs)
        {
            SurfaceSkippedReason = surfaceSkipped,
            PackagesConfigPath = packages?.Path,
            PackageCount = packages?.Ids.Count ?? 0,
            PackageDependenciesPath = dependencies?.Path,
            PackageDependenciesSkippedReason = dependenciesSkipped,
            ProjectPaths = options.ProjectPaths,
        };
    }

    private static Analysis Analyse(string assemblyPath, ApiSurface? surface, PackagesConfig? packages, IReadOnlyCollection<string> ownAssemblies)
    {
        FileStream stream;
        try
        {
            stream = File.OpenRead(assemblyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SubsetCheckInputException($"cannot read assembly {assemblyPath}: {e.Message}", e);
        }

        using (stream)
        {
            PEReader pe;
            MetadataReader metadata;
            try
            {
                pe = new PEReader(stream);
                if (!pe.HasMetadata)
                {
                    pe.Dispose();
                    throw new SubsetCheckInputException($"{assemblyPath} is not a .NET assembly (no CLI metadata)");
                }

                metadata = pe.GetMetadataReader();
            }
            catch (Exception e) when (e is BadImageFormatException or InvalidOperationException)
            {
                throw new SubsetCheckInputException($"{assemblyPath} is not a valid .NET assembly: {e.Message}", e);
            }

            using (pe)
            {
                using SourceLocator locator = SourceLocator.Open(pe, assemblyPath);
                var analysis = new Analysis(pe, metadata, locator, surface, packages, ownAssemblies);
                try
                {
                    analysis.Run();
                }
                catch (BadImageFormatException e)
                {
                    throw new SubsetCheckInputException($"{assemblyPath} has malformed metadata or IL: {e.Message}", e);
                }

                return analysis;
            }
        }
    }

    /// <summary>Where an entity is used: a member or type, its first source line, and whether the use is only a custom attribute there.</summary>
    private sealed record Site(SourceLocation? Location, bool AttributeOnly);

    /// <summary>Who uses an entity, by member or type name.</summary>
    private sealed class Uses
    {
        public Dictionary<string, Site> Sites { get; } = new(StringComparer.Ordinal);

        public bool Add(string where, SourceLocation? location, bool attributeOnly)
        {
            if (!Sites.TryGetValue(where, out Site? known))
            {
                Sites.Add(where, new Site(location, attributeOnly));
                return true;
            }

            var merged = new Site(known.Location ?? location, known.AttributeOnly && attributeOnly);
            if (merged == known)
            {
                return false;
            }

            Sites[where] = merged;
            return true;
        }
    }

    /// <summary>One pass over one assembly.</summary>
    private sealed class Analysis(PEReader pe, MetadataReader reader, SourceLocator locator, ApiSurface? surface, PackagesConfig? packages, IReadOnlyCollection<string> ownAssemblies)
    {
        private readonly DocIdTypeProvider _types = new(reader);
        private readonly Dictionary<EntityHandle, Uses> _uses = [];
        private readonly List<(EntityHandle From, EntityHandle To)> _edges = [];
        private readonly Dictionary<EntityHandle, string> _names = [];
        private readonly Dictionary<EntityHandle, MethodDefinitionHandle> _locatedBy = [];
        private readonly List<SubsetViolation> _violations = [];
        private readonly HashSet<(string Where, string Subject)> _reported = [];
        private readonly HashSet<string> _genericAt = new(StringComparer.Ordinal);

        public int TypeReferencesChecked { get; private set; }

        public int MemberReferencesChecked { get; private set; }

        public void Run()
        {
            foreach (TypeDefinitionHandle type in reader.TypeDefinitions)
            {
                VisitType(type);
            }

            VisitCustomAttributes();
            LinkReferences();
            Propagate();
            CheckTypeSpecifications();
            CheckMethodSpecifications();
            CheckStandaloneSignatures();
            CheckMemberReferences();
            CheckTypeReferences();
            CheckUnassignedSlotComparisons();
        }

        public IReadOnlyList<SubsetViolation> Violations() =>
        [
            .. _violations
                .OrderBy(v => v.Rule)
                .ThenBy(v => v.Where, StringComparer.Ordinal)
                .ThenBy(v => v.Subject, StringComparer.Ordinal),
        ];

        private void VisitType(TypeDefinitionHandle handle)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            string typeName = MetadataNames.TypeName(reader, handle);
            _names[handle] = typeName;
            if (type.GetGenericParameters().Count > 0)
            {
                Report(SubsetRule.Generic, typeName, "T:" + typeName, $"{typeName} is a generic type definition; nanoFramework 1.x has no generics", null);
            }

            if (!type.BaseType.IsNil)
            {
                Use(type.BaseType, typeName, null);
            }

            foreach (InterfaceImplementationHandle impl in type.GetInterfaceImplementations())
            {
                Use(reader.GetInterfaceImplementation(impl).Interface, typeName, null);
            }

            foreach (FieldDefinitionHandle fieldHandle in type.GetFields())
            {
                FieldDefinition field = reader.GetFieldDefinition(fieldHandle);
                string fieldName = typeName + "." + reader.GetString(field.Name);
                _names[fieldHandle] = fieldName;
                SignatureType fieldType = field.DecodeSignature(_types, null);
                UseTouched(fieldName, null);
                ReportSignature(fieldName, null, fieldType.Generic, fieldType.MultiDimensionalArray, "is of");
            }

            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                VisitMethod(methodHandle);
            }

            foreach (PropertyDefinitionHandle propertyHandle in type.GetProperties())
            {
                PropertyDefinition property = reader.GetPropertyDefinition(propertyHandle);
                string propertyName = typeName + "." + reader.GetString(property.Name);
                _names[propertyHandle] = propertyName;
                MethodSignature<SignatureType> signature = property.DecodeSignature(_types, null);
                UseTouched(propertyName, null);
                (string? generic, string? array) = SignatureType.Flags([signature.ReturnType, .. signature.ParameterTypes]);
                ReportSignature(propertyName, null, generic, array, "has a property type or index of");
            }

            foreach (EventDefinitionHandle eventHandle in type.GetEvents())
            {
                EventDefinition @event = reader.GetEventDefinition(eventHandle);
                string eventName = typeName + "." + reader.GetString(@event.Name);
                _names[eventHandle] = eventName;
                Use(@event.Type, eventName, null);
            }

            foreach (MethodImplementationHandle implHandle in type.GetMethodImplementations())
            {
                MethodImplementation impl = reader.GetMethodImplementation(implHandle);
                Use(impl.MethodDeclaration, typeName, null);
            }
        }

        private void VisitMethod(MethodDefinitionHandle handle)
        {
            MethodDefinition method = reader.GetMethodDefinition(handle);
            string methodName = MetadataNames.MethodName(reader, handle);
            _names[handle] = methodName;
            _locatedBy[handle] = handle;
            SourceLocation? methodLocation = locator.Find(handle, null);
            foreach (ParameterHandle parameter in method.GetParameters())
            {
                _names[parameter] = methodName;
                _locatedBy[parameter] = handle;
            }

            if (method.GetGenericParameters().Count > 0)
            {
                Report(SubsetRule.Generic, methodName, "M:" + methodName, $"{methodName} is a generic method definition; nanoFramework 1.x has no generics", methodLocation);
            }

            MethodSignature<SignatureType> signature = method.DecodeSignature(_types, null);
            UseTouched(methodName, methodLocation);
            (string? generic, string? array) = SignatureType.Flags([signature.ReturnType, .. signature.ParameterTypes]);
            ReportSignature(methodName, methodLocation, generic, array, "has a parameter or return value of");

            if (method.RelativeVirtualAddress == 0)
            {
                return;
            }

            MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                ImmutableArray<SignatureType> locals = reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_types, null);
                UseTouched(methodName, methodLocation);
                (string? localGeneric, string? localArray) = SignatureType.Flags(locals);
                ReportSignature(methodName, methodLocation, localGeneric, localArray, "has a local variable of");
            }

            foreach (ExceptionRegion region in body.ExceptionRegions)
            {
                if (!region.CatchType.IsNil)
                {
                    Use(region.CatchType, methodName, locator.Find(handle, region.HandlerOffset));
                }
            }

            // Compiler helpers in <PrivateImplementationDetails> have no source of their own: what
            // they use is blamed on the code that calls them (e.g. a switch expression's throw).
            bool helper = IsCompilerHelper(method.GetDeclaringType());
            foreach (IlInstruction instruction in IlInstruction.Decode(body.GetILReader()))
            {
                if (instruction.Token.IsNil)
                {
                    continue;
                }

                (int offset, EntityHandle token) = (instruction.Offset, instruction.Token);
                if (helper)
                {
                    _edges.Add((handle, token));
                }
                else
                {
                    Use(token, methodName, locator.Find(handle, offset));
                }
            }
        }

        private bool IsCompilerHelper(TypeDefinitionHandle type)
        {
            TypeDefinition definition = reader.GetTypeDefinition(type);
            return definition.GetDeclaringType().IsNil
                && definition.Namespace.IsNil
                && reader.StringComparer.Equals(definition.Name, "<PrivateImplementationDetails>");
        }

        private void VisitCustomAttributes()
        {
            foreach (CustomAttributeHandle handle in reader.CustomAttributes)
            {
                CustomAttribute attribute = reader.GetCustomAttribute(handle);
                string where = _names.TryGetValue(attribute.Parent, out string? name)
                    ? name
                    : attribute.Parent.Kind switch
                    {
                        HandleKind.ModuleDefinition => "module " + reader.GetString(reader.GetModuleDefinition().Name),
                        _ => AssemblyLabel(),
                    };
                SourceLocation? location = _locatedBy.TryGetValue(attribute.Parent, out MethodDefinitionHandle method) ? locator.Find(method, null) : null;
                Use(attribute.Constructor, where, location, fromAttribute: true);
            }
        }

        /// <summary>Records which references each reference is made of, so uses flow from a member to its type and signature.</summary>
        private void LinkReferences()
        {
            foreach (MemberReferenceHandle handle in reader.MemberReferences)
            {
                MemberReference member = reader.GetMemberReference(handle);
                _edges.Add((handle, member.Parent));
                DecodeMember(member);
                foreach (EntityHandle touched in _types.TakeTouched())
                {
                    _edges.Add((handle, touched));
                }
            }

            for (int row = 1; row <= reader.GetTableRowCount(TableIndex.MethodSpec); row++)
            {
                MethodSpecificationHandle handle = MetadataTokens.MethodSpecificationHandle(row);
                MethodSpecification spec = reader.GetMethodSpecification(handle);
                _edges.Add((handle, spec.Method));
                _ = spec.DecodeSignature(_types, null);
                foreach (EntityHandle touched in _types.TakeTouched())
                {
                    _edges.Add((handle, touched));
                }
            }

            for (int row = 1; row <= reader.GetTableRowCount(TableIndex.TypeSpec); row++)
            {
                TypeSpecificationHandle handle = MetadataTokens.TypeSpecificationHandle(row);
                _ = reader.GetTypeSpecification(handle).DecodeSignature(_types, null);
                foreach (EntityHandle touched in _types.TakeTouched())
                {
                    if (touched != (EntityHandle)handle)
                    {
                        _edges.Add((handle, touched));
                    }
                }
            }

            for (int row = 1; row <= reader.GetTableRowCount(TableIndex.StandAloneSig); row++)
            {
                StandaloneSignatureHandle handle = MetadataTokens.StandaloneSignatureHandle(row);
                DecodeStandalone(reader.GetStandaloneSignature(handle));
                foreach (EntityHandle touched in _types.TakeTouched())
                {
                    _edges.Add((handle, touched));
                }
            }

            foreach (TypeReferenceHandle handle in reader.TypeReferences)
            {
                EntityHandle scope = reader.GetTypeReference(handle).ResolutionScope;
                if (scope.Kind == HandleKind.TypeReference)
                {
                    _edges.Add((handle, scope));
                }
            }
        }

        /// <summary>Carries each entity's uses to what it is made of, until nothing changes (the graph is shallow).</summary>
        private void Propagate()
        {
            bool changed = true;
            for (int pass = 0; changed && pass < 16; pass++)
            {
                changed = false;
                foreach ((EntityHandle from, EntityHandle to) in _edges)
                {
                    if (!_uses.TryGetValue(from, out Uses? source))
                    {
                        continue;
                    }

                    Uses target = UsesOf(to);
                    foreach ((string where, Site site) in source.Sites)
                    {
                        changed |= target.Add(where, site.Location, site.AttributeOnly);
                    }
                }
            }
        }

        private void CheckTypeSpecifications()
        {
            for (int row = 1; row <= reader.GetTableRowCount(TableIndex.TypeSpec); row++)
            {
                TypeSpecificationHandle handle = MetadataTokens.TypeSpecificationHandle(row);
                SignatureType type = reader.GetTypeSpecification(handle).DecodeSignature(_types, null);
                _ = _types.TakeTouched();
                foreach ((string where, SourceLocation? location) in SitesOf(handle))
                {
                    ReportSignature(where, location, type.Generic, type.MultiDimensionalArray, "uses");
                }
            }
        }

        private void CheckMethodSpecifications()
        {
            for (int row = 1; row <= reader.GetTableRowCount(TableIndex.MethodSpec); row++)
            {
                MethodSpecificationHandle handle = MetadataTokens.MethodSpecificationHandle(row);
                MethodSpecification spec = reader.GetMethodSpecification(handle);
                ImmutableArray<SignatureType> arguments = spec.DecodeSignature(_types, null);
                _ = _types.TakeTouched();
                string method = DescribeMethod(spec.Method) + "<" + string.Join(",", arguments.Select(a => a.Name)) + ">";
                foreach ((string where, SourceLocation? location) in SitesOf(handle))
                {
                    Report(SubsetRule.Generic, where, method, $"{where} calls generic method {method}; nanoFramework 1.x has no generics", location);
                }
            }
        }

        private void CheckStandaloneSignatures()
        {
            // Local signatures were reported against their method; what is left is calli call sites.
            for (int row = 1; row <= reader.GetTableRowCount(TableIndex.StandAloneSig); row++)
            {
                StandaloneSignatureHandle handle = MetadataTokens.StandaloneSignatureHandle(row);
                StandaloneSignature signature = reader.GetStandaloneSignature(handle);
                if (signature.GetKind() != StandaloneSignatureKind.Method)
                {
                    continue;
                }

                MethodSignature<SignatureType> method = signature.DecodeMethodSignature(_types, null);
                _ = _types.TakeTouched();
                (string? generic, string? array) = SignatureType.Flags([method.ReturnType, .. method.ParameterTypes]);
                foreach ((string where, SourceLocation? location) in SitesOf(handle))
                {
                    ReportSignature(where, location, generic, array, "makes an indirect call whose signature has");
                }
            }
        }

        private void CheckMemberReferences()
        {
            foreach (MemberReferenceHandle handle in reader.MemberReferences)
            {
                MemberReference member = reader.GetMemberReference(handle);
                (string docId, string? generic, string? array) = DecodeMember(member);
                _ = _types.TakeTouched();

                // A member of a type specification (List<int>.Add, int[,].Get) is reported through
                // that specification, as a generic or array use at the same call sites.
                if (member.Parent.Kind == HandleKind.TypeSpecification)
                {
                    continue;
                }

                if (generic is not null || array is not null)
                {
                    foreach ((string where, SourceLocation? location) in SitesOf(handle))
                    {
                        if (generic is not null)
                        {
                            Report(SubsetRule.Generic, where, generic, $"{where} uses {docId}, whose signature has {generic}; nanoFramework 1.x has no generics{Hint(generic)}", location);
                        }
                        else
                        {
                            Report(SubsetRule.MultiDimensionalArray, where, array!, $"{where} uses {docId}, whose signature has {array}; nanoFramework 1.x has only single-dimension arrays", location);
                        }
                    }

                    continue;
                }

                if (surface is null || member.Parent.Kind != HandleKind.TypeReference || IsOwn((TypeReferenceHandle)member.Parent))
                {
                    continue;
                }

                MemberReferencesChecked++;
                CheckSurface(handle, docId);
            }
        }

        private void CheckTypeReferences()
        {
            foreach (TypeReferenceHandle handle in reader.TypeReferences)
            {
                string name = MetadataNames.TypeName(reader, handle);
                if (name.Contains('`', StringComparison.Ordinal))
                {
                    // Usually only reached through a generic instantiation already reported at the
                    // same place; on its own it is typeof(List<>) or similar.
                    foreach ((string where, SourceLocation? location) in SitesOf(handle))
                    {
                        if (_genericAt.Contains(where))
                        {
                            continue;
                        }

                        Report(SubsetRule.Generic, where, name, $"{where} uses generic type definition {name}; nanoFramework 1.x has no generics{Hint(name)}", location);
                    }

                    continue;
                }

                if (surface is null || IsOwn(handle))
                {
                    continue;
                }

                TypeReferencesChecked++;
                CheckSurface(handle, "T:" + name);
            }
        }

        /// <summary>True when the type is defined in one of this repository's firmware assemblies (checked on their own).</summary>
        private bool IsOwn(TypeReferenceHandle handle)
        {
            EntityHandle scope = reader.GetTypeReference(handle).ResolutionScope;
            while (scope.Kind == HandleKind.TypeReference)
            {
                scope = reader.GetTypeReference((TypeReferenceHandle)scope).ResolutionScope;
            }

            if (scope.Kind != HandleKind.AssemblyReference)
            {
                return false;
            }

            string name = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name);
            return ownAssemblies.Contains(name);
        }

        /// <summary>NFSUB005: the assembly that defines <paramref name="docId"/> on the device must ship in a listed package.</summary>
        private void CheckPackage(EntityHandle handle, string docId)
        {
            string? assembly = packages is null ? null : surface!.AssemblyOf(docId);
            if (assembly is null || packages!.Provides(assembly))
            {
                return;
            }

            string file = packages.Path;
            string? package = NanoPackages.PackageOf(assembly);
            string fix = package is null
                ? $"no package this checker knows ships {assembly}"
                : $"add {PackagesConfig.LineFor(package)} to it";
            foreach ((string where, SourceLocation? location) in SitesOf(handle))
            {
                Report(
                    SubsetRule.PackageNotListed,
                    where,
                    docId,
                    $"{where} uses {docId}, which is in {assembly} (package {package ?? "unknown"}); {file} does not list that package: {fix}, with its dependencies",
                    location);
            }
        }

        private void CheckUnassignedSlotComparisons()
        {
            foreach (UnassignedSlotAnalysis.Finding finding in UnassignedSlotAnalysis.Run(pe, reader))
            {
                string where = MetadataNames.MethodName(reader, finding.Method);
                string subject = finding.Instruction + " at IL_" + finding.Offset.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
                Report(
                    SubsetRule.UnassignedSlotNullComparison,
                    where,
                    subject,
                    $"{where} compares a value that may come from a reference-type array element with null as a value ({subject}); "
                        + "nanoFramework's interpreter answers wrongly for a slot that was never assigned (x != null is true): "
                        + "branch on it instead (if (x != null) { return true; } return false;), or keep the fact in a bool",
                    locator.Find(finding.Method, finding.Offset));
            }
        }

        private void CheckSurface(EntityHandle handle, string docId)
        {
            if (surface!.Contains(docId))
            {
                CheckPackage(handle, docId);
                return;
            }

            // Exempt compiler-added attributes stay exempt only where they are attributes.
            bool exempt = Exemptions.IsExemptAttribute(docId);
            IReadOnlyList<string> overloads = surface.OverloadsOf(docId);
            string hint = overloads.Count == 0
                ? string.Empty
                : "; the device has " + string.Join(", ", overloads.Take(4)) + (overloads.Count > 4 ? $" and {overloads.Count - 4} more" : string.Empty);
            if (docId.Contains("System.Runtime.CompilerServices.SwitchExpressionException", StringComparison.Ordinal))
            {
                // Roslyn throws it from a switch expression with no discard arm when the core library
                // has it; the device compiler throws InvalidOperationException instead.
                hint += " (the host compiler throws it from a switch expression that has no discard arm; add _ => ...)";
            }
            foreach ((string where, SourceLocation? location) in SitesOf(handle, skipAttributeOnly: exempt))
            {
                Report(SubsetRule.NotInApiSurface, where, docId, $"{where} uses {docId} which nanoFramework 1.x does not have{hint}", location);
            }
        }

        /// <summary>The member's documentation ID, and the first generic and multi-dimensional array in its signature.</summary>
        private (string DocId, string? Generic, string? Array) DecodeMember(MemberReference member)
        {
            string parent = member.Parent.Kind switch
            {
                HandleKind.TypeReference => MetadataNames.TypeName(reader, (TypeReferenceHandle)member.Parent),
                HandleKind.TypeDefinition => MetadataNames.TypeName(reader, (TypeDefinitionHandle)member.Parent),
                HandleKind.TypeSpecification => reader.GetTypeSpecification((TypeSpecificationHandle)member.Parent).DecodeSignature(_types, null).Name,
                HandleKind.MethodDefinition => MetadataNames.TypeName(reader, reader.GetMethodDefinition((MethodDefinitionHandle)member.Parent).GetDeclaringType()),
                _ => "<module>",
            };
            string name = MetadataNames.MemberName(reader.GetString(member.Name));
            if (member.GetKind() == MemberReferenceKind.Field)
            {
                SignatureType field = member.DecodeFieldSignature(_types, null);
                return ("F:" + parent + "." + name, field.Generic, field.MultiDimensionalArray);
            }

            MethodSignature<SignatureType> method = member.DecodeMethodSignature(_types, null);
            (string? generic, string? array) = SignatureType.Flags([method.ReturnType, .. method.ParameterTypes]);
            return (MethodDocId(parent, name, method), generic, array);
        }

        private static string MethodDocId(string parent, string name, MethodSignature<SignatureType> method)
        {
            // Documentation IDs: M:Type.Name``arity(P1,P2); no parentheses without parameters;
            // conversion operators add ~ReturnType. Vararg tails are not part of the ID.
            string id = "M:" + parent + "." + name;
            if (method.GenericParameterCount > 0)
            {
                id += "``" + method.GenericParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            int count = method.RequiredParameterCount;
            if (count > 0)
            {
                id += "(" + string.Join(",", method.ParameterTypes.Take(count).Select(p => p.Name)) + ")";
            }

            if (name is "op_Implicit" or "op_Explicit")
            {
                id += "~" + method.ReturnType.Name;
            }

            return id;
        }

        private string DescribeMethod(EntityHandle method) => method.Kind switch
        {
            HandleKind.MethodDefinition => MetadataNames.MethodName(reader, (MethodDefinitionHandle)method),
            HandleKind.MemberReference => DecodeMemberAndForget((MemberReferenceHandle)method),
            _ => method.Kind.ToString(),
        };

        private string DecodeMemberAndForget(MemberReferenceHandle handle)
        {
            string id = DecodeMember(reader.GetMemberReference(handle)).DocId;
            _ = _types.TakeTouched();
            return id;
        }

        private void DecodeStandalone(StandaloneSignature signature)
        {
            if (signature.GetKind() == StandaloneSignatureKind.LocalVariables)
            {
                _ = signature.DecodeLocalSignature(_types, null);
            }
            else
            {
                _ = signature.DecodeMethodSignature(_types, null);
            }
        }

        private void ReportSignature(string where, SourceLocation? location, string? generic, string? array, string verb)
        {
            if (generic is not null)
            {
                Report(SubsetRule.Generic, where, generic, $"{where} {verb} {generic}; nanoFramework 1.x has no generics{Hint(generic)}", location);
            }

            if (array is not null)
            {
                Report(SubsetRule.MultiDimensionalArray, where, array, $"{where} {verb} {array}; nanoFramework 1.x has only single-dimension arrays (use a T[] with index arithmetic)", location);
            }
        }

        private static string Hint(string generic)
        {
            if (generic.Contains("System.Nullable{", StringComparison.Ordinal))
            {
                return " (a nullable value type such as int? is Nullable<T>; use a sentinel value or a separate flag)";
            }

            if (generic.Contains("System.ReadOnlySpan{System.Char}", StringComparison.Ordinal))
            {
                // Roslyn lowers string + char to String.Concat(ReadOnlySpan<char>, ...) whenever the
                // core library has that overload, whatever the language version; the device's does not.
                return " (if the source has no span, it is the host compiler's lowering of string + char; write s + c.ToString())";
            }

            return string.Empty;
        }

        private void Report(SubsetRule rule, string where, string subject, string message, SourceLocation? location)
        {
            if (rule == SubsetRule.Generic)
            {
                _genericAt.Add(where);
            }

            if (_reported.Add((where, subject)))
            {
                _violations.Add(new SubsetViolation(rule, where, subject, message, location));
            }
        }

        private IEnumerable<KeyValuePair<string, SourceLocation?>> SitesOf(EntityHandle handle, bool skipAttributeOnly = false)
        {
            if (_uses.TryGetValue(handle, out Uses? uses) && uses.Sites.Count > 0)
            {
                return uses.Sites
                    .Where(s => !(skipAttributeOnly && s.Value.AttributeOnly))
                    .OrderBy(s => s.Key, StringComparer.Ordinal)
                    .Select(s => new KeyValuePair<string, SourceLocation?>(s.Key, s.Value.Location));
            }

            // Not reached from any definition or method body (an unused reference): blame the
            // assembly, unless it is an exempt attribute, which is then exempt everywhere it is.
            return skipAttributeOnly ? [] : [new(AssemblyLabel(), null)];
        }

        private string AssemblyLabel() => reader.IsAssembly
            ? "assembly " + reader.GetString(reader.GetAssemblyDefinition().Name)
            : "module " + reader.GetString(reader.GetModuleDefinition().Name);

        private void Use(EntityHandle handle, string where, SourceLocation? location, bool fromAttribute = false)
        {
            if (handle.IsNil)
            {
                return;
            }

            UsesOf(handle).Add(where, location, fromAttribute);
        }

        private void UseTouched(string where, SourceLocation? location)
        {
            foreach (EntityHandle touched in _types.TakeTouched())
            {
                Use(touched, where, location);
            }
        }

        private Uses UsesOf(EntityHandle handle)
        {
            if (!_uses.TryGetValue(handle, out Uses? uses))
            {
                uses = new Uses();
                _uses.Add(handle, uses);
            }

            return uses;
        }
    }
}
