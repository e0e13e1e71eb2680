// Namespaces most files of this project use (kept here so each file lists only what is particular to it).
global using System.Data.Common;
global using Dapper;
global using FluentValidation;
global using FluentValidation.Results;
global using IopPlatform.BuildingBlocks.Audit;
global using IopPlatform.BuildingBlocks.Data;
global using IopPlatform.BuildingBlocks.Errors;
global using IopPlatform.BuildingBlocks.Http;
global using IopPlatform.BuildingBlocks.Security;
global using IopPlatform.ClinicalNotes.Contracts;
global using IopPlatform.Enrollment.Contracts;
global using MediatR;
global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Http;
global using Microsoft.AspNetCore.Routing;
