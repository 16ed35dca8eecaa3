using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Parsec.Tests.Layering;

/// <summary>
/// Which folders (namespaces) of an assembly use which, read from the compiled IL with Mono.Cecil: base types,
/// interfaces, fields, signatures, attributes, locals and every type, method and field an instruction names. A
/// compiler-generated type (a lambda's closure, an iterator) counts as the type that declared it.
/// </summary>
internal static class FolderDependencies
{
    /// <summary>One use: the folder and type that uses, and the folder and type used.</summary>
    public sealed record Use(string From, string FromType, string To, string ToType);

    public static IReadOnlyList<Use> Of(string assemblyPath, string rootNamespace)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        var uses = new HashSet<Use>();
        foreach (var type in assembly.MainModule.GetTypes())
        {
            var owner = Outermost(type);
            string? from = Folder(owner.Namespace, rootNamespace);
            if (from is null) continue;
            foreach (var used in Referenced(type))
            {
                var target = Outermost(used);
                if (target.Module != assembly.MainModule && target.Scope is not ModuleDefinition) { }
                string? to = Folder(target.Namespace, rootNamespace);
                if (to is null || to == from) continue;
                uses.Add(new Use(from, owner.FullName, to, target.FullName));
            }
        }
        return uses.OrderBy(u => u.From).ThenBy(u => u.To).ThenBy(u => u.FromType).ToList();
    }

    /// <summary>"Loop" for Parsec.Search.Loop, "Data.Files" for Parsec.Search.Data.Files; "" for the root; null outside it.</summary>
    private static string? Folder(string ns, string root) =>
        ns == root ? "" : ns.StartsWith(root + ".", StringComparison.Ordinal) ? ns[(root.Length + 1)..] : null;

    private static TypeReference Outermost(TypeReference type)
    {
        type = Element(type);
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static TypeReference Element(TypeReference type) => type switch
    {
        TypeSpecification spec => Element(spec.ElementType),
        _ => type,
    };

    private static IEnumerable<TypeReference> Referenced(TypeDefinition type)
    {
        if (type.BaseType is not null) foreach (var t in Expand(type.BaseType)) yield return t;
        foreach (var i in type.Interfaces) foreach (var t in Expand(i.InterfaceType)) yield return t;
        foreach (var a in type.CustomAttributes) foreach (var t in Attribute(a)) yield return t;
        foreach (var field in type.Fields)
        {
            foreach (var t in Expand(field.FieldType)) yield return t;
            foreach (var a in field.CustomAttributes) foreach (var t in Attribute(a)) yield return t;
        }
        foreach (var property in type.Properties)
        {
            foreach (var t in Expand(property.PropertyType)) yield return t;
            foreach (var a in property.CustomAttributes) foreach (var t in Attribute(a)) yield return t;
        }
        foreach (var method in type.Methods)
        {
            foreach (var t in Expand(method.ReturnType)) yield return t;
            foreach (var p in method.Parameters) foreach (var t in Expand(p.ParameterType)) yield return t;
            foreach (var a in method.CustomAttributes) foreach (var t in Attribute(a)) yield return t;
            if (!method.HasBody) continue;
            foreach (var v in method.Body.Variables) foreach (var t in Expand(v.VariableType)) yield return t;
            foreach (var instruction in method.Body.Instructions)
                foreach (var t in Operand(instruction)) yield return t;
        }
    }

    private static IEnumerable<TypeReference> Operand(Instruction instruction) => instruction.Operand switch
    {
        TypeReference t => Expand(t),
        MethodReference m => Expand(m.DeclaringType).Concat(Expand(m.ReturnType)).Concat(m.Parameters.SelectMany(p => Expand(p.ParameterType)))
            .Concat(m is GenericInstanceMethod g ? g.GenericArguments.SelectMany(Expand) : []),
        FieldReference f => Expand(f.DeclaringType).Concat(Expand(f.FieldType)),
        _ => [],
    };

    private static IEnumerable<TypeReference> Attribute(CustomAttribute a) =>
        Expand(a.AttributeType).Concat(a.ConstructorArguments.Where(x => x.Value is TypeReference).SelectMany(x => Expand((TypeReference)x.Value)));

    /// <summary>The type and, for a generic instance, array or pointer, every type inside it.</summary>
    private static IEnumerable<TypeReference> Expand(TypeReference type)
    {
        yield return type;
        if (type is GenericInstanceType generic)
            foreach (var argument in generic.GenericArguments)
                foreach (var t in Expand(argument)) yield return t;
        if (type is TypeSpecification spec)
            foreach (var t in Expand(spec.ElementType)) yield return t;
    }
}
