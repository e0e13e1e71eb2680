namespace IopPlatform.BuildingBlocks.Messaging;

/// <summary>
/// Marks a validator whose rules read stored data (the session a request names, the note it changes). The validation
/// behaviour runs such validators only once every other validator of the request has passed: a malformed request is
/// answered without a query, and its 400 lists the shape's errors alone. A stored-data validator leaves a missing or
/// out-of-date record to its handler (404, 409, 412), so it adds nothing when it cannot find what it checks against.
/// </summary>
public interface IStoredDataValidator;
