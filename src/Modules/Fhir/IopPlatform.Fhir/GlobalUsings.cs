// Namespaces most files of this project use (kept here so each file lists only what is particular to it).
global using FluentValidation;
global using Hl7.Fhir.Model;
global using IopPlatform.BuildingBlocks.Audit;
global using IopPlatform.BuildingBlocks.Errors;
global using IopPlatform.BuildingBlocks.Http;
global using IopPlatform.BuildingBlocks.Security;
global using IopPlatform.Enrollment.Contracts;
global using IopPlatform.Fhir.Contracts;
global using Hl7.Fhir.Utility;
global using MediatR;
global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Http;
global using Microsoft.AspNetCore.Routing;
global using Task = System.Threading.Tasks.Task;
