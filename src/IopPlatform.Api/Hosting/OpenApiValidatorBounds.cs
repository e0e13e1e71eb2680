using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Copies the limits a request's FluentValidation validator enforces (lengths, ranges, patterns, e-mail) into the
/// schema of that request type, so the document states the rules the API applies instead of a second, drifting copy.
/// Works for every validated body and every <c>[AsParameters]</c> query type without per-endpoint work.
/// </summary>
internal sealed class OpenApiValidatorBounds(IServiceScopeFactory scopes) : ISchemaFilter
{
    private readonly ConcurrentDictionary<Type, IValidatorDescriptor[]> _descriptors = new();

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema target)
        {
            return;
        }
        if (target.Properties is { Count: > 0 } properties)
        {
            foreach (var (name, property) in properties)
            {
                if (property is OpenApiSchema inline)
                {
                    ApplyRules(inline, Components(context.Type, name));
                }
            }
        }
        // A query parameter bound through [AsParameters] is a property of a validated type.
        if (context.MemberInfo is PropertyInfo member && member.DeclaringType is { } declaring && context.ParameterInfo is null)
        {
            ApplyRules(target, Components(declaring, member.Name));
        }
    }

    private IEnumerable<(IPropertyValidator Validator, bool ForEach)> Components(Type type, string property)
    {
        foreach (var descriptor in Descriptors(type))
        {
            foreach (var rule in descriptor.GetRulesForMember(ToPascal(property)))
            {
                // RuleForEach: the components check each element, so they bound the array's items.
                var forEach = rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));
                foreach (var component in rule.Components)
                {
                    yield return (component.Validator, forEach);
                }
            }
        }
    }

    private IValidatorDescriptor[] Descriptors(Type type) => _descriptors.GetOrAdd(type, t =>
    {
        if (t.IsPrimitive || t == typeof(string) || t.IsEnum)
        {
            return [];
        }
        using var scope = scopes.CreateScope();
        var validators = (IEnumerable<IValidator>?)scope.ServiceProvider.GetService(typeof(IEnumerable<>).MakeGenericType(typeof(IValidator<>).MakeGenericType(t)));
        return validators?.Select(v => v.CreateDescriptor()).ToArray() ?? [];
    });

    private static void ApplyRules(OpenApiSchema schema, IEnumerable<(IPropertyValidator Validator, bool ForEach)> components)
    {
        foreach (var (validator, forEach) in components)
        {
            var target = schema;
            if (forEach)
            {
                if (schema.Items is not OpenApiSchema items)
                {
                    continue;
                }
                target = items;
            }
            switch (validator)
            {
                case ILengthValidator length:
                    if (length.Max > 0)
                    {
                        target.MaxLength = Tighter(target.MaxLength, length.Max, Math.Min);
                    }
                    if (length.Min > 0)
                    {
                        target.MinLength = Tighter(target.MinLength, length.Min, Math.Max);
                    }
                    break;
                case IBetweenValidator between:
                    target.Minimum ??= Number(between.From);
                    target.Maximum ??= Number(between.To);
                    break;
                case IComparisonValidator { Comparison: Comparison.GreaterThanOrEqual } atLeast:
                    target.Minimum ??= Number(atLeast.ValueToCompare);
                    break;
                case IComparisonValidator { Comparison: Comparison.GreaterThan, ValueToCompare: int above }:
                    target.Minimum ??= (above + 1L).ToString(CultureInfo.InvariantCulture);
                    break;
                case IComparisonValidator { Comparison: Comparison.LessThan, ValueToCompare: int below }:
                    target.Maximum ??= (below - 1L).ToString(CultureInfo.InvariantCulture);
                    break;
                case IComparisonValidator { Comparison: Comparison.LessThanOrEqual } atMost:
                    target.Maximum ??= Number(atMost.ValueToCompare);
                    break;
                case IRegularExpressionValidator regex:
                    target.Pattern ??= regex.Expression;
                    break;
                case IEmailValidator:
                    target.Format ??= "email";
                    break;
                default:
                    break;
            }
        }
    }

    private static int Tighter(int? current, int value, Func<int, int, int> pick) => current is { } c ? pick(c, value) : value;

    private static string? Number(object? value) => value switch
    {
        int or long or short or byte or decimal or double or float => Convert.ToString(value, CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string ToPascal(string camel) => camel.Length == 0 ? camel : char.ToUpperInvariant(camel[0]) + camel[1..];
}
