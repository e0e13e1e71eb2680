namespace IopPlatform.BuildingBlocks.Messaging;

/// <summary>
/// Every request passes its validators before its handler runs; failures become a 400 with per-field errors. Validators
/// that read stored data (<see cref="IStoredDataValidator"/>) run second, only when the others have passed.
/// </summary>
public sealed class ValidationBehavior<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
{
    private readonly IEnumerable<IValidator<TRequest>> _validators;

    public ValidationBehavior(IEnumerable<IValidator<TRequest>> validators) => _validators = validators;

    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var validators = _validators.ToList();
        await ValidateAsync(request, validators.Where(v => v is not IStoredDataValidator), cancellationToken).ConfigureAwait(false);
        await ValidateAsync(request, validators.Where(v => v is IStoredDataValidator), cancellationToken).ConfigureAwait(false);
        return await next().ConfigureAwait(false);
    }

    private static async Task ValidateAsync(TRequest request, IEnumerable<IValidator<TRequest>> validators, CancellationToken cancellationToken)
    {
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(new ValidationContext<TRequest>(request), cancellationToken).ConfigureAwait(false);
            failures.AddRange(result.Errors);
        }
        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }
    }
}
