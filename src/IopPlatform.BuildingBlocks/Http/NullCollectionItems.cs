using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.Metadata;

namespace IopPlatform.BuildingBlocks.Http;

/// <summary>
/// JSON lets a caller put <c>null</c> where a list expects items (<c>"goals": [null]</c>); validators and handlers are
/// written for items. Every body is checked here, once, for null items in any list or dictionary at any depth, so no
/// validator has to remember it: a 400 naming each place (<c>goals[0]</c>) before anything else reads the body.
/// </summary>
public static class NullCollectionItems
{
    /// <summary>Enough places to show the caller the pattern; a body of 10,000 nulls does not get 10,000 errors.</summary>
    public const int MaxReported = 20;

    private const int MaxDepth = 32;

    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, string Name)[]> Members = new();

    /// <summary>Checks the JSON body parameters of every endpoint of <paramref name="group"/>.</summary>
    public static TBuilder RejectNullCollectionItems<TBuilder>(this TBuilder group)
        where TBuilder : IEndpointConventionBuilder
    {
        group.AddEndpointFilterFactory(static (factory, next) =>
        {
            // The JSON body: one of our own request shapes (or a list) that is not a service nor bound from elsewhere.
            var services = factory.ApplicationServices.GetService<IServiceProviderIsService>();
            var bodies = factory.MethodInfo.GetParameters()
                .Where(p => IsWalked(p.ParameterType)
                    && services?.IsService(p.ParameterType) != true
                    && !p.GetCustomAttributes().Any(a => a is IFromServiceMetadata or AsParametersAttribute or IFromRouteMetadata or IFromQueryMetadata or IFromHeaderMetadata))
                .Select(p => p.Position)
                .ToArray();
            if (bodies.Length == 0)
            {
                return next;
            }
            return context =>
            {
                foreach (var position in bodies)
                {
                    ThrowIfAny(context.Arguments[position]);
                }
                return next(context);
            };
        });
        return group;
    }

    /// <summary>For bodies read by hand (optional bodies): the same check as the endpoint filter.</summary>
    public static void ThrowIfAny(object? body)
    {
        var failures = new List<ValidationFailure>();
        Walk(body, string.Empty, failures, 0);
        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }
    }

    private static void Walk(object? value, string path, List<ValidationFailure> failures, int depth)
    {
        if (value is null || failures.Count >= MaxReported || depth > MaxDepth || !IsWalked(value.GetType()))
        {
            return;
        }
        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                Item(entry.Value, $"{path}.{entry.Key}", failures, depth);
            }
            return;
        }
        if (value is IEnumerable items)
        {
            var index = 0;
            foreach (var item in items)
            {
                Item(item, $"{path}[{index++}]", failures, depth);
            }
            return;
        }
        foreach (var (property, name) in Members.GetOrAdd(value.GetType(), ReadableMembers))
        {
            Walk(property.GetValue(value), path.Length == 0 ? name : $"{path}.{name}", failures, depth + 1);
        }
    }

    private static void Item(object? item, string path, List<ValidationFailure> failures, int depth)
    {
        if (failures.Count >= MaxReported)
        {
            return;
        }
        if (item is null)
        {
            failures.Add(new ValidationFailure(path, "An item of a list must not be null."));
            return;
        }
        Walk(item, path, failures, depth + 1);
    }

    /// <summary>Our own request shapes and the collections holding them; never strings, primitives or framework objects.</summary>
    private static bool IsWalked(Type type) =>
        type != typeof(string)
        && !type.IsPrimitive
        && !type.IsEnum
        && (typeof(IEnumerable).IsAssignableFrom(type) || type.Assembly.GetName().Name?.StartsWith("IopPlatform", StringComparison.Ordinal) == true);

    private static (PropertyInfo, string)[] ReadableMembers(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => (p, p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonName(p.Name)))
            .ToArray();

    private static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
