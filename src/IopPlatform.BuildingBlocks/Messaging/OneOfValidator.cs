using FluentValidation.Validators;

namespace IopPlatform.BuildingBlocks.Messaging;

/// <summary>A rule whose allowed values can be read back: the OpenAPI document turns it into an enum schema.</summary>
public interface IOneOfValidator
{
    IReadOnlyCollection<string> Values { get; }
}

/// <summary>The text is one of a fixed vocabulary (ordinal comparison); null passes, as with FluentValidation's own rules.</summary>
public sealed class OneOfValidator<T, TValue>(IReadOnlyCollection<string> values) : PropertyValidator<T, TValue>, IOneOfValidator
{
    public IReadOnlyCollection<string> Values { get; } = values;

    public override string Name => "OneOfValidator";

    public override bool IsValid(ValidationContext<T> context, TValue value) =>
        value is null || (value is string text && Values.Contains(text, StringComparer.Ordinal));

    protected override string GetDefaultMessageTemplate(string errorCode) => "'{PropertyValue}' is not allowed for '{PropertyName}'; use one of: " + string.Join(", ", Values) + ".";
}

public static class OneOfRules
{
    /// <summary>The text must be one of <paramref name="values"/>; the OpenAPI document states the vocabulary as an enum.</summary>
    public static IRuleBuilderOptions<T, TValue> IsOneOf<T, TValue>(this IRuleBuilder<T, TValue> rule, IEnumerable<string> values) =>
        rule.SetValidator(new OneOfValidator<T, TValue>([.. values]));
}
