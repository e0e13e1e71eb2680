using FluentValidation;
using FluentValidation.Results;

namespace IopPlatform.Architecture.Tests.Samples.FeatureFiles;

/// <summary>Validates in its handler instead of a validator.</summary>
internal static class HandMadeValidationHandler
{
    public static void Handle(int minutes)
    {
        if (minutes < 0)
        {
            throw new ValidationException([new ValidationFailure("minutes", "Minutes cannot be negative.")]);
        }
    }
}

/// <summary>A store that judges input.</summary>
internal static class JudgingStore
{
    public static ValidationFailure? Check(int minutes) => minutes < 0 ? new ValidationFailure("minutes", "Minutes cannot be negative.") : null;
}
