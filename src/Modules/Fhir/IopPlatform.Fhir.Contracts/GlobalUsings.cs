// Namespaces most files of this project use (kept here so each file lists only what is particular to it).
global using MediatR;
