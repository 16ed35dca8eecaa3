Console.WriteLine("parsec: the command line is being assembled");
