using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Parsec.Options.Generator;

/// <summary>One property of an options record that carries <c>[Flag]</c>: its flag, description, type and constant default.</summary>
internal sealed class FlagProperty(string name, string type, string template, string? description, string? defaultLiteral, bool isSwitch)
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public string Name { get; } = name;
    private string Type { get; } = type;
    private string Template { get; } = template;
    private string? Description { get; } = description;
    /// <summary>The default as a C# expression, or null when the property has none (a nullable option left unset).</summary>
    private string? DefaultLiteral { get; } = defaultLiteral;
    /// <summary>A bool flag: present or absent, shown without a default.</summary>
    private bool IsSwitch { get; } = isSwitch;

    /// <summary>The [Flag] properties of <paramref name="record"/>, in declaration order; problems go to <paramref name="errors"/>.</summary>
    public static IReadOnlyList<FlagProperty> Of(INamedTypeSymbol record, Compilation compilation, List<string> errors)
    {
        var flags = new List<FlagProperty>();
        foreach (var property in record.GetMembers().OfType<IPropertySymbol>())
        {
            var flag = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "Parsec.Search.Flags.FlagAttribute");
            if (flag is null) continue;
            string template = (string)flag.ConstructorArguments[0].Value!;
            string? description = flag.ConstructorArguments.Length > 1 ? flag.ConstructorArguments[1].Value as string : null;
            string? literal = DefaultOf(property, compilation, out string? error);
            if (error is not null) errors.Add($"{record.Name}.{property.Name}: {error}");
            flags.Add(new FlagProperty(property.Name, property.Type.ToDisplayString(TypeFormat), template, description, literal,
                property.Type.SpecialType == SpecialType.System_Boolean));
        }
        return flags;
    }

    public void AppendSettingsProperty(StringBuilder body)
    {
        body.AppendLine($"    [global::Spectre.Console.Cli.CommandOption({Quote(Template)})]");
        if (Description is not null) body.AppendLine($"    [global::System.ComponentModel.Description({Quote(Description)})]");
        if (DefaultLiteral is not null && !IsSwitch) body.AppendLine($"    [global::System.ComponentModel.DefaultValue({DefaultLiteral})]");
        body.Append($"    public {Type} {Name} {{ get; init; }}");
        if (DefaultLiteral is not null) body.Append($" = {DefaultLiteral};");
        body.AppendLine();
        body.AppendLine();
    }

    /// <summary>The property initializer's constant value as a literal; without an initializer, the type's default for non-nullable numbers.</summary>
    private static string? DefaultOf(IPropertySymbol property, Compilation compilation, out string? error)
    {
        error = null;
        var syntax = property.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<PropertyDeclarationSyntax>().FirstOrDefault();
        if (syntax?.Initializer is null)
        {
            // No initializer: a number, bool or enum starts at its zero value, which is then its default; nullable and reference types start unset.
            if (property.Type.TypeKind == TypeKind.Enum) return Literal(property.Type, 0);
            return ClrType(property.Type) is { } clr ? Literal(property.Type, System.Convert.ChangeType(0, clr, CultureInfo.InvariantCulture)) : null;
        }
        var constant = compilation.GetSemanticModel(syntax.SyntaxTree).GetConstantValue(syntax.Initializer.Value);
        if (!constant.HasValue)
        {
            error = "the default of a [Flag] property must be a compile-time constant (it is also the [DefaultValue] that --help shows)";
            return null;
        }
        if (constant.Value is null) return null;
        // The initializer's constant has the expression's type (5 for a double property): convert it, so that the
        // literal, and [DefaultValue]'s argument, have the property's type.
        var underlying = property.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : property.Type;
        object value = ClrType(underlying) is { } target ? System.Convert.ChangeType(constant.Value, target, CultureInfo.InvariantCulture) : constant.Value;
        return Literal(property.Type, value);
    }

    private static string Literal(ITypeSymbol type, object value)
    {
        var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
        if (underlying.TypeKind == TypeKind.Enum)
            return $"({underlying.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}){System.Convert.ToInt64(value, CultureInfo.InvariantCulture)}";
        return value switch
        {
            string s => Quote(s),
            bool b => b ? "true" : "false",
            double d => d.ToString("R", CultureInfo.InvariantCulture) + "d",
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            ulong u => u.ToString(CultureInfo.InvariantCulture) + "UL",
            _ => System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
        };
    }

    private static System.Type? ClrType(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Int32 => typeof(int),
        SpecialType.System_Int64 => typeof(long),
        SpecialType.System_UInt64 => typeof(ulong),
        SpecialType.System_Double => typeof(double),
        SpecialType.System_Single => typeof(float),
        SpecialType.System_Boolean => typeof(bool),
        _ => null,
    };

    private static string Quote(string text) => SymbolDisplay.FormatLiteral(text, quote: true);
}
