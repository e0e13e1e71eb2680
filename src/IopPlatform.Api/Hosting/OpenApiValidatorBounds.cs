using System.Collections.Concurrent;
using System.Reflection;
using FluentValidation;
using FluentValidation.Validators;
using IopPlatform.BuildingBlocks.Messaging;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Copies the limits a request's FluentValidation validator enforces (lengths, ranges, patterns, e-mail, vocabularies
/// as enums, NotNull/NotEmpty as <c>required</c> and not nullable) into the schema of that request type, so the document states the rules the API applies instead of a second, drifting copy.
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
                var rules = Components(context.Type, name).ToList();
                if (property is OpenApiSchema inline)
                {
                    ApplyRules(inline, rules);
                }
                // An unconditional NotNull/NotEmpty: the member must be sent, and null is refused.
                if (rules.Any(r => !r.ForEach && !r.Conditional && r.Validator is INotNullValidator or INotEmptyValidator))
                {
                    target.Required ??= new HashSet<string>(StringComparer.Ordinal);
                    target.Required.Add(name);
                    if (property is OpenApiSchema { Type: { } type } nonNull)
                    {
                        nonNull.Type = type & ~JsonSchemaType.Null;
                    }
                }
            }
        }
        // A query parameter bound through [AsParameters] is a property of a validated type.
        if (context.MemberInfo is PropertyInfo member && member.DeclaringType is { } declaring && context.ParameterInfo is null)
        {
            ApplyRules(target, Components(declaring, member.Name));
        }
    }

    private IEnumerable<(IPropertyValidator Validator, bool ForEach, bool Conditional)> Components(Type type, string property)
    {
        foreach (var descriptor in Descriptors(type))
        {
            foreach (var rule in descriptor.GetRulesForMember(ToPascal(property)))
            {
                // RuleForEach: the components check each element, so they bound the array's items.
                var forEach = rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));
                foreach (var component in rule.Components)
                {
                    yield return (component.Validator, forEach, component.HasCondition || component.HasAsyncCondition);
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

    private static void ApplyRules(OpenApiSchema schema, IEnumerable<(IPropertyValidator Validator, bool ForEach, bool Conditional)> components)
    {
        foreach (var (validator, forEach, _) in components)
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
                case IOneOfValidator oneOf when target.Type?.HasFlag(JsonSchemaType.String) == true:
                    target.Enum = [.. oneOf.Values.Select(v => (JsonNode)JsonValue.Create(v))];
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
